using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.PayingOrders;

/// <summary>What a hospital payment intent pays for (<see cref="IntentPurpose.Kind"/>); the target is always the patient.</summary>
public static class HospitalPurposes
{
    public const string Orders = "his-order";
    public const string Deposit = "inpatient-deposit";
    public const string Credit = "credit-care";

    public static readonly string[] All = [Orders, Deposit, Credit];

    /// <summary><see cref="IntentPurpose.Detail"/>: who asked (a kiosk, a cashier, the nightly job) and which orders.</summary>
    public static string Detail(string source, IReadOnlyList<string> orderIds) => $"{source}|{string.Join(',', orderIds)}";

    public static (string Source, IReadOnlyList<string> OrderIds) Parse(string? detail)
    {
        var parts = (detail ?? "").Split('|', 2);
        return (parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1].Split(',') : []);
    }
}

/// <summary>
/// Money a channel confirmed for a patient goes to the patient's account grain, which applies it once per intent and keeps
/// the channel as the tender (so refunds go back there); once committed, screens waiting for it hear of it
/// (<see cref="PaidNotices"/>). One class per purpose kind, one behaviour.
/// </summary>
public abstract class HospitalFulfilment(IGrainFactory grains, PaidNotices notices, string kind) : IIntentFulfilment
{
    public string Kind => kind;

    IPatientAccountGrain Patient(string tenantId, IntentPurpose purpose) => grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, purpose.TargetId));

    public Task<Refusal?> Check(string tenantId, IntentPurpose purpose, long amount) =>
        HospitalDesk.IsPatientId(purpose.TargetId)
            ? Patient(tenantId, purpose).Check(kind == HospitalPurposes.Orders ? HospitalPurposes.Parse(purpose.Detail).OrderIds : [], amount)
            : Task.FromResult<Refusal?>(Refusal.NotFound("The patient"));

    public async Task Fulfil(string tenantId, FulfilIntent c)
    {
        var (source, orders) = HospitalPurposes.Parse(c.Purpose.Detail);
        Applied(await Patient(tenantId, c.Purpose).ApplyChannelMoney(new ChannelMoney(kind, c.IntentId, c.Channel, c.Amount, orders, source, c.Now)));
        notices.Publish(new PaidNotice(tenantId, c.Purpose.TargetId, c.IntentId, kind, c.Amount));
    }

    public async Task<Refusal?> Fund(string tenantId, FundRefund c) =>
        (await Patient(tenantId, c.Purpose).FundRefund(new FundRefundLine(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now))).Refusal;

    public async Task Release(string tenantId, FundRefund c) =>
        Applied(await Patient(tenantId, c.Purpose).ReleaseRefund(c.RefundId, c.Now));

    /// <summary>Money the channel already moved must land: a refusal here is a fault the gateway's janitor retries.</summary>
    static void Applied(Outcome<AccountBalance> outcome)
    {
        if (outcome.Refusal is { } r) throw new InvalidOperationException($"The patient's account refused a gateway movement: {r.Code} {r.Detail}");
    }
}

public sealed class HisOrderFulfilment(IGrainFactory grains, PaidNotices notices) : HospitalFulfilment(grains, notices, HospitalPurposes.Orders);

public sealed class DepositFulfilment(IGrainFactory grains, PaidNotices notices) : HospitalFulfilment(grains, notices, HospitalPurposes.Deposit);

public sealed class CreditRepaymentFulfilment(IGrainFactory grains, PaidNotices notices) : HospitalFulfilment(grains, notices, HospitalPurposes.Credit);
