using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.PayingOrders;

/// <summary>What a hospital payment intent pays for (<see cref="IntentPurpose.Kind"/>); the target is always the patient.</summary>
public static class HospitalPurposes
{
    public const string Orders = "his-order";
    public const string Deposit = "inpatient-deposit";
    public const string Credit = "credit-care";

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
/// the channel as the tender (so refunds go back there). One class per purpose kind, one behaviour.
/// </summary>
public abstract class HospitalFulfilment(IGrainFactory grains, string kind) : IIntentFulfilment
{
    public string Kind => kind;

    IPatientAccountGrain Patient(string tenantId, IntentPurpose purpose) => grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, purpose.TargetId));

    public virtual async Task<Refusal?> Check(string tenantId, IntentPurpose purpose, long amount)
    {
        if (!purpose.TargetId.StartsWith("ch_", StringComparison.Ordinal)) return Refusal.NotFound("The patient");
        try
        {
            await Patient(tenantId, purpose).Check(kind == HospitalPurposes.Orders ? HospitalPurposes.Parse(purpose.Detail).OrderIds : [], amount);
            return null;
        }
        catch (ProblemException e)
        {
            return e.ToRefusal();
        }
    }

    public Task Fulfil(string tenantId, FulfilIntent c)
    {
        var (source, orders) = HospitalPurposes.Parse(c.Purpose.Detail);
        return Patient(tenantId, c.Purpose).ApplyChannelMoney(new ChannelMoney(kind, c.IntentId, c.Channel, c.Amount, orders, source, c.Now));
    }

    public async Task<Refusal?> Fund(string tenantId, FundRefund c) =>
        await Patient(tenantId, c.Purpose).FundRefund(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now) is { } code
            ? Refusal.Conflict("The patient's account cannot give this refund's money back.", code) : null;

    public Task Release(string tenantId, FundRefund c) => Patient(tenantId, c.Purpose).ReleaseRefund(c.RefundId, c.Now);
}

public sealed class HisOrderFulfilment(IGrainFactory grains) : HospitalFulfilment(grains, HospitalPurposes.Orders);

public sealed class DepositFulfilment(IGrainFactory grains) : HospitalFulfilment(grains, HospitalPurposes.Deposit);

public sealed class CreditRepaymentFulfilment(IGrainFactory grains) : HospitalFulfilment(grains, HospitalPurposes.Credit);
