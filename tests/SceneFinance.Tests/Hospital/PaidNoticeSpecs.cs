using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>A screen waiting for a patient's QR payment is told when the money is committed to the account, and only then.</summary>
[Collection(SharedGatewayApp.Name)]
public sealed class PaidNoticeSpecs(GatewayApp app)
{
    [Fact]
    public async Task A_committed_QR_payment_is_told_to_the_screens_waiting_for_that_patient()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient();
        var (other, _) = await h.Patient();
        var order = await h.Order(patient, 4200);
        var notices = app.Services.GetRequiredService<PaidNotices>();
        var told = new TaskCompletionSource<PaidNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        var account = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var others = 0;
        using var waiting = notices.Subscribe(h.S.TenantId, patient, notice =>
        {
            told.TrySetResult(notice);
            // What the screen reads when it hears: the money is already in the account.
            _ = Task.Run(async () => account.TrySetResult(L((await h.Account(patient))["dueAmount"])));
        });
        using var elsewhere = notices.Subscribe(h.S.TenantId, other, _ => Interlocked.Increment(ref others));

        var intent = (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = await h.VisitOf(patient), orderIds = new[] { Str(order["id"]) }, tender = "alipay" }, "qr-1"))
            .Expect(HttpStatusCode.Created);
        Assert.False(told.Task.IsCompleted); // nothing committed yet: the payer has not paid
        app.Simulators["alipay"].PayerDecides(app.OrderNo("alipay", Str(intent["id"])), approve: true);

        var notice = await told.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((Str(intent["id"]), HospitalPurposes.Orders, 4200L), (notice.IntentId, notice.Kind, notice.Amount));
        Assert.Equal(0, await account.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, others);
    }
}
