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

namespace SceneFinance.Scenes.Hospital.CreditCare;

/// <summary>A tenant's settlement of one local date was run (so the sweep does not start it again).</summary>
public sealed class CreditSettlementDay
{
    public string Id { get; set; } = "";
    public DateTimeOffset RanAt { get; set; }
}

public sealed record SettlementRun(string Date, int Patients, int Settled, long FromDeposit, long StillOpen, int PaymentRequests);

/// <summary>
/// Credit care's nightly settlement: every patient with open credit pays from the deposit first; what is left is asked of
/// the patient's linked channel (a payment intent the patient approves in the wallet app) and stays overdue (no new
/// registration) until paid. Once per patient and local date: each patient's account records the date, and the channel
/// request is keyed by patient and date, so running it twice settles once.
/// </summary>
public sealed class CreditSettlement(IDocumentStore store, IGrainFactory grains, HospitalDesk desk, RefundRunner refunds, TenantClock clock,
    ILogger<CreditSettlement> log)
{
    public async Task<SettlementRun> Run(string tenantId, string localDate)
    {
        IReadOnlyList<PatientAccountListing> open;
        await using (var session = store.QuerySession(tenantId))
            open = await session.Query<PatientAccountListing>().Where(p => p.CreditOutstanding > 0).ToListAsync();
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
            if (outcome.Remaining > 0 && outcome.LinkedChannel is { } channel)
            {
                // Keyed by patient and date: a second run names the same request, and the channel is asked once.
                var asked = await desk.RepayCredit(tenantId, p.Id, channel, "nightly", "nightly", $"credit-{p.Id}-{localDate}");
                if (asked.Refusal is { } no)
                    log.LogWarning("Credit settlement {Date}: patient {PatientId}'s linked channel could not be asked ({Code})", localDate, p.Id, no.Code);
                else requests++;
            }
        }
        await using (var session = store.LightweightSession(tenantId))
        {
            session.Store(new CreditSettlementDay { Id = localDate, RanAt = clock.UtcNow });
            await session.SaveChangesAsync();
        }
        log.LogInformation("Credit settlement {Date} of tenant {TenantId}: {Settled} settled, {FromDeposit} fen from deposits, {Open} fen still open",
            localDate, tenantId, settled, fromDeposit, stillOpen);
        return new SettlementRun(localDate, open.Count, settled, fromDeposit, stillOpen, requests);
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
    }

    public static void MapCreditSettlements(IEndpointRouteBuilder hospital) =>
        // The finance office may run a day's settlement by hand (again: it settles once).
        hospital.MapPost("/credit-settlements", async (string tenantId, CreditSettlementRequest? body, HttpContext http, CreditSettlement settlement, IGrainFactory grains, TenantClock clock) =>
            {
                http.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance]);
                await grains.FindTenant(tenantId).OrThrow();
                new Validation().Require(body?.Date is null || DateOnly.TryParseExact(body.Date, "yyyy-MM-dd", out _), "date", "date must be yyyy-MM-dd.").ThrowIfInvalid();
                var today = (await clock.For(tenantId)).Today;
                return TypedResults.Ok(await settlement.Run(tenantId, body?.Date ?? today.ToString("yyyy-MM-dd")));
            })
            .Doc("runCreditSettlement", "Run a date's credit care settlement by hand",
                "date (yyyy-MM-dd, default today in the tenant's zone): deposits pay open credit first, then the linked channel is asked; running it again settles once.");
}

public sealed record CreditSettlementRequest(string? Date);
