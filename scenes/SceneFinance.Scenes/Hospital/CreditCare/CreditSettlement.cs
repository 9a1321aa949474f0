using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Time;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Scenes.Hospital.Refunding;
using SceneFinance.Scenes.Hospital.Settings;
using SceneFinance.Scenes.Hospital.Withholding;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Scenes.Hospital.CreditCare;

/// <summary>A tenant's settlement of one local date was run (so the sweep does not start it again).</summary>
public sealed class CreditSettlementDay
{
    public string Id { get; set; } = "";
    public DateTimeOffset RanAt { get; set; }
    public string TenantId { get; set; } = "";

    /// <summary>The patients debited directly under their withholding agreement, and how each debit ended.</summary>
    public List<DirectDebit> Debits { get; set; } = [];

    /// <summary>Some debit's outcome is not known yet (the channel's answer was lost): the job looks again until it is.</summary>
    public bool DebitsOpen { get; set; }
}

/// <summary>
/// A patient debited directly under their agreement: <c>status</c> is the debit's (<c>succeeded</c>, <c>processing</c> while the channel's
/// answer is unknown, <c>failed</c>: the patient was then asked to approve in the wallet, as without an agreement).
/// </summary>
public sealed record DirectDebit(string PatientId, string Channel, string IntentId, long Amount, string Status);

/// <summary>A night's run: <c>debited</c> lists the patients settled directly under their withholding agreements.</summary>
public sealed record SettlementRun(string Date, int Patients, int Settled, long FromDeposit, long StillOpen, int PaymentRequests,
    IReadOnlyList<DirectDebit>? Debited = null);

/// <summary>
/// Credit care's nightly settlement: every patient with open credit pays from the deposit first; what is left is asked of
/// the patient's linked channel (a payment intent the patient approves in the wallet app) and stays overdue (no new
/// registration) until paid. Once per patient and local date: each patient's account records the date, and the channel
/// request is keyed by patient and date, so running it twice settles once.
/// </summary>
public sealed class CreditSettlement(IDocumentStore store, IGrainFactory grains, HospitalDesk desk, RefundRunner refunds, TenantClock clock,
    WithholdingAgreements withholding, SettlementReminders reminders, IPaymentGateway gateway, ILogger<CreditSettlement> log)
{
    public async Task<SettlementRun> Run(string tenantId, string localDate)
    {
        IReadOnlyList<PatientAccountListing> open;
        CreditSettlementDay? before;
        await using (var session = store.QuerySession(tenantId))
        {
            open = await session.Query<PatientAccountListing>().Where(p => p.CreditOutstanding > 0).ToListAsync();
            before = await session.LoadAsync<CreditSettlementDay>(localDate);
        }
        var agreed = await withholding.Active(tenantId);
        var debits = (before?.Debits ?? []).ToDictionary(d => d.PatientId);
        // Run again: a debit whose outcome was unknown may be known by now.
        foreach (var d in debits.Values.Where(d => d.Status == IntentStatus.Processing).ToList())
            debits[d.PatientId] = await Follow(tenantId, localDate, d);
        int settled = 0, requests = 0;
        long fromDeposit = 0, stillOpen = 0;
        foreach (var p in open)
        {
            var settlement = await desk.Patient(tenantId, p.Id, a => a.SettleCredit(localDate, clock.UtcNow));
            if (settlement.Refusal is { } refused)
            {
                log.LogWarning("Credit settlement {Date}: patient {PatientId} was not settled ({Code})", localDate, p.Id, refused.Code);
                continue;
            }
            var outcome = settlement.Value!;
            if (outcome.Ran) settled++;
            fromDeposit += outcome.FromDeposit;
            stillOpen += outcome.Remaining;
            if (outcome.Remaining <= 0) continue;
            if (agreed.TryGetValue(p.Id, out var agreement) || debits.ContainsKey(p.Id))
            {
                var debit = await Debit(tenantId, p.Id, localDate, agreement, debits.GetValueOrDefault(p.Id));
                if (debit is not null) debits[p.Id] = debit;
                // Debited, or its outcome still unknown: no wallet request (the janitor settles it; a failure asks the wallet then).
                if (debit is { Status: not IntentStatus.Failed }) continue;
            }
            if (await AskWallet(tenantId, p.Id, localDate, outcome.LinkedChannel ?? agreement?.Channel)) requests++;
        }
        await using (var session = store.LightweightSession(tenantId))
        {
            session.Store(new CreditSettlementDay
            {
                Id = localDate, RanAt = before?.RanAt ?? clock.UtcNow, TenantId = tenantId, Debits = [.. debits.Values],
                DebitsOpen = debits.Values.Any(d => d.Status == IntentStatus.Processing),
            });
            await session.SaveChangesAsync();
        }
        log.LogInformation("Credit settlement {Date} of tenant {TenantId}: {Settled} settled, {FromDeposit} fen from deposits, {Open} fen still open",
            localDate, tenantId, settled, fromDeposit, stillOpen);
        return new SettlementRun(localDate, open.Count, settled, fromDeposit, stillOpen, requests, [.. debits.Values.OrderBy(d => d.PatientId)]);
    }

    /// <summary>
    /// The patient's debit under their agreement for this date (keyed by patient and date: once per night, whatever the number of
    /// runs), as it stands now; null when it could not be asked (then the wallet is).
    /// </summary>
    async Task<DirectDebit?> Debit(string tenantId, string patientId, string localDate, WithholdingListing? agreement, DirectDebit? known)
    {
        if (known is { Status: not IntentStatus.Processing }) return known;
        if (known is null && agreement is not null)
        {
            var asked = await desk.RepayCredit(tenantId, patientId, agreement.Channel, "nightly", "nightly", $"withhold-{patientId}-{localDate}", agreement.AgreementNo);
            if (asked.Refusal is { } no)
            {
                log.LogWarning("Credit settlement {Date}: patient {PatientId} could not be debited under their agreement ({Code})", localDate, patientId, no.Code);
                return null;
            }
            known = new DirectDebit(patientId, agreement.Channel, asked.Value!.Id, asked.Value.Amount, IntentStatus.Processing);
        }
        if (known is null) return null;
        var intent = await gateway.Retrieve(tenantId, known.IntentId);
        return known with
        {
            Status = intent?.Status switch
            {
                IntentStatus.Succeeded => IntentStatus.Succeeded,
                IntentStatus.Failed or IntentStatus.Canceled => IntentStatus.Failed,
                _ => IntentStatus.Processing,
            },
        };
    }

    /// <summary>A debit whose outcome was unknown, as the intent knows it now; failed, the patient is asked in the wallet instead (once).</summary>
    async Task<DirectDebit> Follow(string tenantId, string localDate, DirectDebit d)
    {
        var now = await Debit(tenantId, d.PatientId, localDate, null, d) ?? d;
        if (now.Status == IntentStatus.Failed)
        {
            var linked = (await desk.Patient(tenantId, d.PatientId, a => a.Get())).Value?.Credit?.LinkedChannel;
            await AskWallet(tenantId, d.PatientId, localDate, linked ?? d.Channel);
        }
        return now;
    }

    /// <summary>Asks the patient to approve what is owed in the channel's wallet app; keyed by patient and date, so asked once.</summary>
    async Task<bool> AskWallet(string tenantId, string patientId, string localDate, string? channel)
    {
        if (channel is null) return false;
        var asked = await desk.RepayCredit(tenantId, patientId, channel, "nightly", "nightly", $"credit-{patientId}-{localDate}");
        if (asked.Refusal is { } no)
            log.LogWarning("Credit settlement {Date}: patient {PatientId}'s linked channel could not be asked ({Code})", localDate, patientId, no.Code);
        return asked.Refusal is null;
    }

    /// <summary>
    /// Debits whose outcome was unknown at the run: once the janitor learned it from the channel, a success is recorded as such and a
    /// failure leaves the patient on the approve-in-wallet flow (asked once: the same key as the run's own request).
    /// </summary>
    async Task FollowDebits(CancellationToken ct)
    {
        IReadOnlyList<CreditSettlementDay> open;
        await using (var session = store.QuerySession())
            open = await session.Query<CreditSettlementDay>().Where(d => d.AnyTenant() && d.DebitsOpen).Take(500).ToListAsync(ct);
        foreach (var day in open)
        {
            var debits = new List<DirectDebit>();
            foreach (var d in day.Debits)
                debits.Add(d.Status == IntentStatus.Processing ? await Follow(day.TenantId, day.Id, d) : d);
            await using var write = store.LightweightSession(day.TenantId);
            day.Debits = debits;
            day.DebitsOpen = debits.Any(x => x.Status == IntentStatus.Processing);
            write.Store(day);
            await write.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// What the job does every round: each tenant whose settlement time has passed today (its own time zone) and whose day
    /// has not run, runs; and refund lines left waiting for the gateway (a crash, a timeout) are taken there again.
    /// </summary>
    public async Task Sweep(CancellationToken ct = default)
    {
        IReadOnlyList<PatientAccountListing> due;
        await using (var session = store.QuerySession())
            due = await session.Query<PatientAccountListing>().Where(p => p.AnyTenant() && (p.CreditOutstanding > 0 || p.HeldRefunds)).Take(5000).ToListAsync(ct);
        foreach (var tenantId in due.Where(p => p.CreditOutstanding > 0).Select(p => p.TenantId).Distinct())
        {
            var policy = await grains.GetGrain<ITenantGrain>(tenantId).GetPaymentPolicy();
            if (policy is not { Active: true }) continue;
            var settings = await HospitalSettings.Load(store, tenantId);
            var time = await clock.For(tenantId);
            if (time.Now < time.At(time.Today, settings.SettlementTime)) continue;
            var date = time.Today.ToString("yyyy-MM-dd");
            await using (var session = store.QuerySession(tenantId))
                if (await session.LoadAsync<CreditSettlementDay>(date, ct) is not null) continue;
            await Run(tenantId, date);
        }
        foreach (var p in due.Where(p => p.HeldRefunds))
            await refunds.Drive(p.TenantId, p.Id, "janitor");
        await FollowDebits(ct);
        await reminders.Sweep(ct);
    }

    /// <summary>The slice's function, for the route and the admin shell alike: a date's settlement run by the finance office.</summary>
    public static async Task<SettlementRun> RunByHand(System.Security.Claims.ClaimsPrincipal user, CreditSettlement settlement, IGrainFactory grains, TenantClock clock,
        string tenantId, CreditSettlementRequest? body)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance]);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation().Date(body?.Date, "date", optional: true).ThrowIfInvalid();
        var today = (await clock.For(tenantId)).Today;
        return await settlement.Run(tenantId, body?.Date ?? today.ToString("yyyy-MM-dd"));
    }

    /// <summary>The patients a date's settlement debited directly, as the finance office lists and exports them.</summary>
    public static async Task<IReadOnlyList<DirectDebit>> DebitsOf(System.Security.Claims.ClaimsPrincipal user, IDocumentStore store, string tenantId, string? date)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance]);
        new Validation().Date(date, "date").ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var day = await session.LoadAsync<CreditSettlementDay>(date!);
        return [.. (day?.Debits ?? []).OrderBy(d => d.PatientId, StringComparer.Ordinal)];
    }

    public static void MapCreditSettlements(IEndpointRouteBuilder hospital) =>
        // The finance office may run a day's settlement by hand (again: it settles once).
        hospital.MapPost("/credit-settlements", async (string tenantId, CreditSettlementRequest? body, HttpContext http, CreditSettlement settlement, IGrainFactory grains, TenantClock clock) =>
                TypedResults.Ok(await RunByHand(http.User, settlement, grains, clock, tenantId, body)))
            .Doc("runCreditSettlement", "Run a date's credit care settlement by hand",
                "date (yyyy-MM-dd, default today in the tenant's zone): deposits pay open credit first; a patient with an active withholding agreement is " +
                "then debited directly through the channel (debited lists them), the others' linked channel is asked (approve in the wallet), as is a " +
                "patient whose debit failed; running it again settles once and debits once.");
}

public sealed record CreditSettlementRequest(string? Date);
