using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Shell;
using SceneFinance.Grains;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.CardHolders;
using SceneFinance.Scenes.Hospital.CashWindow;
using SceneFinance.Scenes.Hospital.CreditCare;
using SceneFinance.Scenes.Hospital.Insuring;
using SceneFinance.Scenes.Hospital.PostingOrders;
using SceneFinance.Scenes.Hospital.Reporting;
using SceneFinance.Scenes.Terminals;
using SceneFinance.Tenants.Managing;
using SceneFinance.Tenants.Users;

namespace SceneFinance.AdminUi.Exports;

/// <summary>
/// The lists as .xlsx (the platform's one writer, <see cref="Xlsx"/>), for the signed-in person (cookie) and through the
/// same slice functions as the pages (same checks, same queries). Headers are in the person's language; amounts are
/// numbers in yuan, times are date cells in the tenant's zone, ids and card digits are text (only the last 4 of a card).
/// </summary>
public static class Spreadsheets
{
    public static void MapSpreadsheets(this IEndpointRouteBuilder app)
    {
        // Downloads of the admin shell, not API routes: left out of the OpenAPI document.
        var exports = app.MapGroup("/admin/export").RequireAuthorization().ExcludeFromDescription();

        exports.MapGet("/tenants.xlsx", async (HttpContext http, IDocumentStore store, TimeProvider clock) =>
        {
            var t = Language(http);
            var rows = await TenantList.All(http.User, store);
            // The platform's list: each tenant's own times in its own zone, like the page shows them.
            return File(TenantTime.In(Zones.Default, clock.GetUtcNow()), "tenants", Xlsx.Sheet(t["Tenants"], rows,
                Xlsx.Text<TenantRow>(t["Tenant id"], r => r.Id),
                Xlsx.Text<TenantRow>(t["Name"], r => r.Name),
                Xlsx.Text<TenantRow>(t["Scene"], r => t[r.Kind]),
                Xlsx.Text<TenantRow>(t["Status"], r => t[r.Status]),
                Xlsx.Text<TenantRow>(t["Time zone"], r => r.TimeZone),
                Xlsx.Time<TenantRow>(t["Created"], r => r.CreatedAt, r => Zones.Find(r.TimeZone))));
        });

        exports.MapGet("/cardholders.xlsx", async (string tenantId, string? q, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await CardHolderSearch.All(http.User, store, tenantId, q);
            return File(await clock.For(tenantId), "cardholders", Xlsx.Sheet(t["Card holders"], rows,
                Xlsx.Text<CardHolderRow>(t["External id"], r => r.ExternalId),
                Xlsx.Text<CardHolderRow>(t["Name"], r => r.Name),
                Xlsx.Text<CardHolderRow>(t["Kind"], r => t[r.Kind]),
                Xlsx.Text<CardHolderRow>(t["Card"], r => "****" + r.CardLast4),
                Xlsx.Text<CardHolderRow>(t["Status"], r => t[r.Status])));
        });

        exports.MapGet("/terminals.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await TerminalList.All(http.User, store, tenantId);
            return File(await clock.For(tenantId), "terminals", Xlsx.Sheet(t["Merchant terminals"], rows,
                Xlsx.Text<TerminalRow>(t["Terminal id"], r => r.Id),
                Xlsx.Text<TerminalRow>(t["Name"], r => r.Name),
                Xlsx.Text<TerminalRow>(t["Kind"], r => t[r.Kind]),
                Xlsx.Text<TerminalRow>(t["Status"], r => t[r.Status]),
                Xlsx.Time<TerminalRow>(t["Created"], r => r.CreatedAt),
                Xlsx.Time<TerminalRow>(t["Last seen"], r => r.LastSeenAt))); // empty: never seen
        });

        exports.MapGet("/his-clients.xlsx", async (string tenantId, HttpContext http, HisSignature his, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await his.All(http.User, tenantId);
            return File(await clock.For(tenantId), "his-clients", Xlsx.Sheet(t["HIS clients"], rows,
                Xlsx.Text<HisClientView>(t["Client id"], r => r.Id),
                Xlsx.Text<HisClientView>(t["Name"], r => r.Name),
                Xlsx.Text<HisClientView>(t["Status"], r => t[r.Status]),
                Xlsx.Time<HisClientView>(t["Created"], r => r.CreatedAt),
                Xlsx.Time<HisClientView>(t["Old secret works until"], r => r.PreviousSecretUntil))); // empty: never rotated
        });

        exports.MapGet("/users.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await UserList.All(http.User, store, tenantId);
            return File(await clock.For(tenantId), "users", Xlsx.Sheet(t["Users"], rows,
                Xlsx.Text<UserRow>(t["Username"], r => r.Username),
                Xlsx.Text<UserRow>(t["Role"], r => t[r.Role]),
                Xlsx.Text<UserRow>(t["Status"], r => t[r.Status]),
                Xlsx.Time<UserRow>(t["Created"], r => r.CreatedAt)));
        });

        // The audit log with the page's filters: times in the tenant's zone (the platform's on the platform-wide log).
        exports.MapGet("/audit.xlsx", async (string? tenantId, DateTimeOffset? from, DateTimeOffset? to, string? actor, string? action, string? target,
            HttpContext http, IDocumentStore store, TenantClock clock, TimeProvider time) =>
        {
            var t = Language(http);
            var rows = await AuditLog.All(http.User, store, tenantId, new AuditFilter(from, to, actor, action, target));
            return File(tenantId is null ? TenantTime.In(Zones.Default, time.GetUtcNow()) : await clock.For(tenantId), "audit", Xlsx.Sheet(t["Audit log"], rows,
                Xlsx.Time<AuditEntry>(t["Time"], r => r.At),
                Xlsx.Text<AuditEntry>(t["Actor"], r => r.ActorId),
                Xlsx.Text<AuditEntry>(t["Role"], r => t[r.ActorRole]),
                Xlsx.Text<AuditEntry>(t["Tenant"], r => r.TenantId),
                Xlsx.Text<AuditEntry>(t["Action"], r => r.Action),
                Xlsx.Text<AuditEntry>(t["Target"], r => r.Target),
                Xlsx.Text<AuditEntry>(t["Before"], r => r.Before),
                Xlsx.Text<AuditEntry>(t["After"], r => r.After),
                Xlsx.Text<AuditEntry>(t["Reason"], r => r.Reason),
                Xlsx.Text<AuditEntry>(t["Address"], r => r.Ip)));
        });

        exports.MapGet("/transactions.xlsx", async (string tenantId, string cardHolderId, HttpContext http, IGrainFactory grains, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await CardHolderEndpoints.Transactions(http.User, grains, tenantId, cardHolderId, 500).OrThrow();
            return File(await clock.For(tenantId), "transactions", Xlsx.Sheet(t["Transactions"], rows,
                Xlsx.Time<TransactionItem>(t["Time"], r => r.At),
                Xlsx.Text<TransactionItem>(t["Type"], r => t[r.Type]),
                Xlsx.Yuan<TransactionItem>(t["Amount"], r => r.Amount),
                Xlsx.Yuan<TransactionItem>(t["Balance after"], r => r.BalanceAfter),
                Xlsx.Text<TransactionItem>(t["Terminal"], r => r.TerminalId),
                Xlsx.Text<TransactionItem>(t["Status"], r => t[r.Status])));
        });

        // The cashier shifts as the page lists them (with its status filter): amounts are numbers in yuan, the difference signed.
        exports.MapGet("/hospital-cash-shifts.xlsx", async (string tenantId, string? status, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = (await CashierShifts.List(http.User, store, tenantId, status, 0, 500)).Items;
            return File(await clock.For(tenantId), "hospital-cash-shifts", Xlsx.Sheet(t["Cash shifts"], rows,
                Xlsx.Time<CashShiftListing>(t["Shift opened"], r => r.OpenedAt),
                Xlsx.Text<CashShiftListing>(t["Cashier"], r => r.CashierName),
                Xlsx.Yuan<CashShiftListing>(t["Float"], r => r.Float),
                Xlsx.Yuan<CashShiftListing>(t["Expected cash"], r => r.Expected),
                Xlsx.Yuan<CashShiftListing>(t["Counted"], r => r.Counted),
                Xlsx.Yuan<CashShiftListing>(t["Difference"], r => r.Difference),
                Xlsx.Text<CashShiftListing>(t["Reason"], r => r.Reason ?? ""),
                Xlsx.Text<CashShiftListing>(t["Status"], r => t[Hospital.CashShiftWords.Status(r.Status)]),
                Xlsx.Text<CashShiftListing>(t["Approved by"], r => r.ApprovedBy ?? ""),
                Xlsx.Time<CashShiftListing>(t["Shift closed at"], r => r.ClosedAt)));
        });

        // A night's direct debits (withholding) as the settings page lists them after a run: amounts are numbers in yuan.
        exports.MapGet("/hospital-withholding-debits.xlsx", async (string tenantId, string? date, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await CreditSettlement.DebitsOf(http.User, store, tenantId, date);
            return File(await clock.For(tenantId), $"hospital-withholding-debits-{date}", Xlsx.Sheet(t["Debited directly (withholding)"], rows,
                Xlsx.Text<DirectDebit>(t["Patient"], r => r.PatientId),
                Xlsx.Text<DirectDebit>(t["Channel"], r => t[r.Channel]),
                Xlsx.Yuan<DirectDebit>(t["Amount"], r => r.Amount),
                Xlsx.Text<DirectDebit>(t["Status"], r => t[r.Status])));
        });

        // The insurance claims as the page lists them (with its status filter): claimed and approved are numbers in yuan.
        exports.MapGet("/hospital-insurance-claims.xlsx", async (string tenantId, string? status, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = (await InsuranceClaims.List(http.User, store, tenantId, status, 0, 500)).OrThrow().Items;
            return File(await clock.For(tenantId), "hospital-insurance-claims", Xlsx.Sheet(t["Insurance claims"], rows,
                Xlsx.Text<InsuranceClaim>(t["Claim number"], r => r.Id),
                Xlsx.Text<InsuranceClaim>(t["Patient"], r => r.PatientName),
                Xlsx.Text<InsuranceClaim>(t["Order"], r => r.HisOrderId),
                Xlsx.Text<InsuranceClaim>(t["Description"], r => r.Description),
                Xlsx.Text<InsuranceClaim>(t["Insurer"], r => r.InsurerId),
                Xlsx.Yuan<InsuranceClaim>(t["Claimed"], r => r.Claimed),
                Xlsx.Yuan<InsuranceClaim>(t["Approved amount"], r => r.Approved),
                Xlsx.Text<InsuranceClaim>(t["Status"], r => t[Hospital.ClaimWords.Status(r.Status)]),
                Xlsx.Text<InsuranceClaim>(t["Reason"], r => r.Reason ?? ""),
                Xlsx.Time<InsuranceClaim>(t["Time"], r => r.CreatedAt)));
        });

        // The hospital's day as the scene's own report spreadsheet (the same sheets as the API's daily.xlsx), with the cookie.
        exports.MapGet("/hospital-daily.xlsx", async (string tenantId, string? date, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            var report = await DailyReport.Report(http.User, store, grains, tenantId, date, clock.GetUtcNow());
            return Results.File(DailyReport.Xlsx(report), DailyReport.XlsxType, DailyReport.FileName(report));
        });
    }

    internal static Text Language(HttpContext http)
    {
        var text = new Text();
        text.Use(http.Request.Cookies[Text.Cookie]);
        return text;
    }

    /// <summary>The workbook, its times in <paramref name="time"/>'s zone, named with the local time it was taken.</summary>
    static IResult File(TenantTime time, string name, ISheet sheet) =>
        Xlsx.File(Xlsx.Write(time.Zone, sheet), $"{name}-{time.Local(time.Now):yyyyMMdd-HHmmss}.xlsx");
}
