using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Shell;
using SceneFinance.Grains;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Hospital.OwnView;

namespace SceneFinance.AdminUi.PatientView;

/// <summary>
/// The patient's payments as .xlsx, for the signed-in patient (cookie), through the same slice function (same checks: only the
/// records under the signed-in phone): headers in the patient's language, amounts as numbers in yuan, times as date cells in the
/// hospital's zone.
/// </summary>
public static class PatientSpreadsheets
{
    public static void MapPatientSpreadsheets(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/admin/export/patient").RequireAuthorization().ExcludeFromDescription();

        exports.MapGet("/payments.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains, TenantClock clock) =>
        {
            var t = new Text();
            t.Use(http.Request.Cookies[Text.Cookie]);
            var payments = new List<MyPayment>();
            for (var page = 0; page < 50; page++) // a patient's history is short: 5,000 payments at most
            {
                var found = await PatientSelf.Payments(http.User, store, grains, tenantId, page, 100);
                payments.AddRange(found.Items);
                if (payments.Count >= found.Total || found.Items.Count == 0) break;
            }
            var time = await clock.For(tenantId);
            return Xlsx.File(Xlsx.Write(time.Zone, Xlsx.Sheet(t["My payments"], payments,
                    Xlsx.Time<MyPayment>(t["Time"], p => p.PaidAt), Xlsx.Text<MyPayment>(t["Patient"], p => p.PatientName),
                    Xlsx.Text<MyPayment>(t["Paid for"], p => t[PatientWords.Purpose(p.Purpose)]),
                    Xlsx.Text<MyPayment>(t["Paid with"], p => t[PatientWords.Tender(p.Tender, p.Channel)]),
                    Xlsx.Yuan<MyPayment>(t["Amount (yuan)"], p => p.Amount), Xlsx.Text<MyPayment>(t["No."], p => p.Id))),
                $"payments-{time.Local(time.Now):yyyyMMdd-HHmmss}.xlsx");
        });
    }
}
