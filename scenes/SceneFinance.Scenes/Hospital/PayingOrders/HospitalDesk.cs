using Marten;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.Registering;

namespace SceneFinance.Scenes.Hospital.PayingOrders;

/// <summary>Orders paid: a receipt (from the deposit or the credit line), or a payment intent to scan (a channel).</summary>
public sealed record HospitalPayment(Receipt? Receipt, PaymentIntentView? Intent)
{
    public static HospitalPayment Paid(Receipt receipt) => new(receipt, null);
    public static HospitalPayment Pending(PaymentIntentView intent) => new(null, intent);
}

/// <summary>A number in a clinic session, and its registration fee as an order to pay.</summary>
public sealed record Registration(string PatientId, int QueueNumber, string Department, string Doctor, DateTimeOffset StartsAt, OrderView Order);

/// <summary>
/// What a cashier window and a self-pay kiosk do for a patient, in one place for the API routes and the pages: pay orders
/// (from the deposit, on credit care, or by QR through the gateway), pay into the deposit, repay credit and register for a
/// clinic. Every call is idempotent on its ticket (<c>scope</c> + key): a request answered before gets its first answer,
/// also when it would be refused now. Validation throws (the edge's own problem); what the account or the gateway refuses
/// comes back as a typed outcome.
/// </summary>
public sealed class HospitalDesk(IGrainFactory grains, IPaymentGateway gateway, IDocumentStore store, TimeProvider clock)
{
    public static readonly string[] AccountTenders = [Tenders.Deposit, Tenders.Credit];
    public static string[] AllTenders => [.. AccountTenders, .. PaymentChannels.All];
    static readonly Refusal NoPatient = Refusal.NotFound("The patient");

    /// <summary>Patients are card holders: ids not shaped like one never reach a grain.</summary>
    public static bool IsPatientId(string id) => id.StartsWith("ch_", StringComparison.Ordinal);

    IPatientAccountGrain Account(string tenantId, string patientId) => grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, patientId));

    /// <summary>Asks the patient's account (<c>not_found</c> for an id that is not a patient's).</summary>
    public async Task<Outcome<T>> Patient<T>(string tenantId, string patientId, Func<IPatientAccountGrain, Task<Outcome<T>>> ask) =>
        IsPatientId(patientId) ? await ask(Account(tenantId, patientId)) : NoPatient;

    /// <summary>
    /// Pays the orders' dues: a receipt from the deposit or credit line, or with cash at the window (into the drawer of
    /// <paramref name="shiftId"/>, the cashier's open shift; nobody else takes cash), or a payment intent (QR) for a channel.
    /// </summary>
    public async Task<Outcome<HospitalPayment>> PayOrders(string tenantId, string patientId, IReadOnlyList<string> orderIds, string tender, string source, string scope, string key,
        string? shiftId = null)
    {
        new Validation()
            .Require(orderIds is { Count: > 0 and <= 50 }, "orderIds", "Name 1 to 50 orders to pay.")
            .OneOf(tender, "tender", shiftId is null ? AllTenders : [.. AllTenders, Tenders.Cash]).ThrowIfInvalid();
        if (!IsPatientId(patientId)) return NoPatient;
        var ticket = IdempotencyTicket.For(scope, key, "hospital-pay", patientId, string.Join(',', orderIds), tender);
        var patient = Account(tenantId, patientId);
        var now = clock.GetUtcNow();
        if (AccountTenders.Contains(tender) || tender == Tenders.Cash)
            return (await patient.Pay(new PayOrders(orderIds, tender, source, ticket, now, tender == Tenders.Cash ? shiftId : null))).Map(HospitalPayment.Paid);
        var account = await patient.Get();
        if (account.Refusal is { } refused) return refused;
        // What the orders are due now; the fulfilment's check refuses an amount that is not exactly that (unknown or paid orders).
        var due = account.Value!.Orders.Where(o => orderIds.Contains(o.Id)).Sum(o => o.DueAmount);
        return (await gateway.CreateIntent(tenantId, new CreateIntent(tender, Math.Max(due, 1), "Clinic charges 诊间缴费",
            new IntentPurpose(HospitalPurposes.Orders, patientId, HospitalPurposes.Detail(source, orderIds)), ticket, source, now))).Map(HospitalPayment.Pending);
    }

    public async Task<Outcome<PaymentIntentView>> PayIntoDeposit(string tenantId, string patientId, long amount, string channel, string source, string scope, string key)
    {
        new Validation().Amount(amount).OneOf(channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        if (!IsPatientId(patientId)) return NoPatient;
        var ticket = IdempotencyTicket.For(scope, key, "hospital-deposit", patientId, amount, channel);
        return await gateway.CreateIntent(tenantId, new CreateIntent(channel, amount, "Inpatient deposit 住院预交金",
            new IntentPurpose(HospitalPurposes.Deposit, patientId, HospitalPurposes.Detail(source, [])), ticket, source, clock.GetUtcNow()));
    }

    /// <summary>
    /// Open credit care charges, paid by a channel; the nightly job calls this for the patient's linked channel, or, under the patient's
    /// withholding agreement (<paramref name="agreementNo"/>), as a debit the channel charges without the patient.
    /// </summary>
    public async Task<Outcome<PaymentIntentView>> RepayCredit(string tenantId, string patientId, string channel, string source, string scope, string key,
        string? agreementNo = null)
    {
        new Validation().OneOf(channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        if (!IsPatientId(patientId)) return NoPatient;
        var account = await Account(tenantId, patientId).Get();
        if (account.Refusal is { } refused) return refused;
        var ticket = IdempotencyTicket.For(scope, key, "hospital-credit", patientId, channel);
        if (account.Value!.Credit is not { Outstanding: > 0 } credit)
            // Paid since: a request asked before still gets its first answer.
            return await StoredOutcomes.Find<PaymentIntentView>(store, tenantId, ticket) ?? Refusal.Conflict("Nothing is owed on credit care.");
        return await gateway.CreateIntent(tenantId, new CreateIntent(channel, credit.Outstanding, "Credit care settlement 信用就医结算",
            new IntentPurpose(HospitalPurposes.Credit, patientId, HospitalPurposes.Detail(source, [])), ticket, source, clock.GetUtcNow(), AgreementNo: agreementNo));
    }

    /// <summary>
    /// Takes a number in the clinic session and posts its registration fee as an order to pay; refused while credit care is
    /// unpaid. The number is taken under the request's ticket, so the same request gets the same number and order again.
    /// </summary>
    public async Task<Outcome<Registration>> Register(string tenantId, string patientId, string slotId, string source, string scope, string key)
    {
        if (!IsPatientId(patientId)) return NoPatient;
        if (!slotId.StartsWith("slot_", StringComparison.Ordinal)) return Refusal.NotFound("The clinic session");
        var ticket = IdempotencyTicket.For(scope, key, "hospital-register", patientId, slotId);
        // Answered before: the same request goes on to its first answer; another one under this key takes no number.
        var answered = await StoredOutcomes.Find<OrderView>(store, tenantId, ticket);
        if (answered is { Refusal: { } reused }) return reused;
        var patient = Account(tenantId, patientId);
        var account = await patient.Get();
        if (account.Refusal is { } refused) return refused;
        if (answered is null && account.Value!.Credit is { Overdue: true })
            return Refusal.Conflict("This patient has unpaid credit care charges: settle them before registering again.", PatientDecisions.CreditUnsettled);
        var now = clock.GetUtcNow();
        var taken = await grains.GetGrain<IClinicSlotGrain>(GrainKeys.For(tenantId, slotId)).Take(new TakeNumber(ticket.DocumentId, patientId, now));
        if (taken.Refusal is { } full) return full;
        var number = taken.Value!;
        var order = await patient.PostOrder(new PostHisOrder(
            new OrderSpec($"reg-{slotId}-{number.Number}", $"reg-{slotId}", "registration", $"Registration 挂号 · {number.Department} · {number.Doctor} #{number.Number}", number.Fee, 0, null),
            source, ticket, now));
        return order.Map(o => new Registration(patientId, number.Number, number.Department, number.Doctor, number.StartsAt, o));
    }
}
