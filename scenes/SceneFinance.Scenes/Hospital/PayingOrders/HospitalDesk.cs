using System.Text.Json;
using Marten;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.Registering;

namespace SceneFinance.Scenes.Hospital.PayingOrders;

/// <summary>
/// What a cashier window and a self-pay kiosk do for a patient, in one place for the API routes and the kiosk pages:
/// pay orders (from the deposit, on credit care, or by QR through the gateway), pay into the deposit, repay credit and
/// register for a clinic. Every call is idempotent on its ticket (<paramref name="scope"/> + key).
/// </summary>
public sealed class HospitalDesk(IGrainFactory grains, IPaymentGateway gateway, IDocumentStore store, TimeProvider clock)
{
    public static readonly string[] AccountTenders = [Tenders.Deposit, Tenders.Credit];
    public static string[] AllTenders => [.. AccountTenders, .. PaymentChannels.All];

    public IPatientAccountGrain Patient(string tenantId, string patientId) =>
        patientId.StartsWith("ch_", StringComparison.Ordinal)
            ? grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, patientId))
            : throw ProblemException.NotFound("The patient");

    /// <summary>Pays the orders' dues: <c>200</c> with a receipt from the deposit or credit line, <c>201</c> with a payment intent (QR) for a channel.</summary>
    public async Task<Reply> PayOrders(string tenantId, string patientId, IReadOnlyList<string> orderIds, string tender, string source, string scope, string key)
    {
        new Validation()
            .Require(orderIds is { Count: > 0 and <= 50 }, "orderIds", "Name 1 to 50 orders to pay.")
            .OneOf(tender, "tender", AllTenders).ThrowIfInvalid();
        var ticket = IdempotencyTicket.For(scope, key, "hospital-pay", patientId, string.Join(',', orderIds), tender);
        var patient = Patient(tenantId, patientId);
        var now = clock.GetUtcNow();
        return await IdempotentRequest.Run(store, tenantId, ticket, async () =>
        {
            if (AccountTenders.Contains(tender)) return await patient.Pay(orderIds, tender, source, ticket, now);
            var account = await patient.Get();
            var due = account.Orders.Where(o => orderIds.Contains(o.Id)).Sum(o => o.DueAmount);
            return Legacy(await gateway.CreateIntent(tenantId, new CreateIntent(tender, Math.Max(due, 1), "Clinic charges 诊间缴费",
                new IntentPurpose(HospitalPurposes.Orders, patientId, HospitalPurposes.Detail(source, orderIds)), ticket, source, now)));
        });
    }

    public async Task<Reply> PayIntoDeposit(string tenantId, string patientId, long amount, string channel, string source, string scope, string key)
    {
        new Validation().Amount(amount).OneOf(channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        var ticket = IdempotencyTicket.For(scope, key, "hospital-deposit", patientId, amount, channel);
        return Legacy(await gateway.CreateIntent(tenantId, new CreateIntent(channel, amount, "Inpatient deposit 住院预交金",
            new IntentPurpose(HospitalPurposes.Deposit, patientId, HospitalPurposes.Detail(source, [])), ticket, source, clock.GetUtcNow())));
    }

    /// <summary>Open credit care charges, paid by a channel; the nightly job calls this for the patient's linked channel.</summary>
    public async Task<Reply> RepayCredit(string tenantId, string patientId, string channel, string source, string scope, string key)
    {
        new Validation().OneOf(channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        var account = await Patient(tenantId, patientId).Get();
        var ticket = IdempotencyTicket.For(scope, key, "hospital-credit", patientId, channel);
        return await IdempotentRequest.Run(store, tenantId, ticket, async () =>
        {
            if (account.Credit is not { Outstanding: > 0 } credit) throw ProblemException.Conflict("Nothing is owed on credit care.");
            return Legacy(await gateway.CreateIntent(tenantId, new CreateIntent(channel, credit.Outstanding, "Credit care settlement 信用就医结算",
                new IntentPurpose(HospitalPurposes.Credit, patientId, HospitalPurposes.Detail(source, [])), ticket, source, clock.GetUtcNow())));
        });
    }

    /// <summary>TRANSITIONAL (the hospital's move to typed outcomes removes it): an intent as the desk's old reply shape.</summary>
    static Reply Legacy(Outcome<PaymentIntentView> intent) => intent.Refusal is { } r
        ? new Reply(OutcomeResults.StatusOf(r.Kind), JsonSerializer.Serialize(r.ToException().ToProblem(), SceneJson.Options))
        : new Reply(201, JsonSerializer.Serialize(intent.Value, SceneJson.Options));

    public sealed record Registration(string PatientId, int QueueNumber, string Department, string Doctor, DateTimeOffset StartsAt, OrderView Order);

    /// <summary>Takes a number in the clinic session and posts its registration fee as an order to pay; refused while credit care is unpaid.</summary>
    public async Task<Registration> Register(string tenantId, string patientId, string slotId, string source, string scope, string key)
    {
        var patient = Patient(tenantId, patientId);
        var ticket = IdempotencyTicket.For(scope, key, "hospital-register", patientId, slotId);
        if ((await patient.Get()).Credit is { Overdue: true })
            throw new ProblemException(409, PatientDecisions.CreditUnsettled, "This patient has unpaid credit care charges: settle them before registering again.");
        var now = clock.GetUtcNow();
        var slot = grains.GetGrain<IClinicSlotGrain>(GrainKeys.For(tenantId, slotId.StartsWith("slot_", StringComparison.Ordinal) ? slotId : throw ProblemException.NotFound("The clinic session")));
        var number = await slot.Take(ticket.DocumentId, patientId, now);
        var reply = await IdempotentRequest.Run(store, tenantId, ticket, () => patient.PostOrder(
            new OrderSpec($"reg-{slotId}-{number.Number}", $"reg-{slotId}", "registration", $"Registration 挂号 · {number.Department} · {number.Doctor} #{number.Number}", number.Fee, 0, null),
            source, ticket, now));
        if (reply.Status >= 400) throw ProblemException.Conflict("This key was used for another registration.");
        return new Registration(patientId, number.Number, number.Department, number.Doctor, number.StartsAt, JsonSerializer.Deserialize<OrderView>(reply.Json, SceneJson.Options)!);
    }
}
