using System.Globalization;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.BackOffice.DayEnd;

public sealed record DayEndSettings(string? CutOff, int? SettlementLagDays, int? ReconciliationLagDays);
public sealed record CloseDayRequest(string? Day);

/// <summary>A closed day's report: its window, totals and every account's opening, debits, credits and closing (fen).</summary>
public sealed record DayReport(
    string TenantId, DateOnly Day, DateTimeOffset From, DateTimeOffset Cut, DateTimeOffset ClosedAt, string ClosedBy, long MoneyEvents,
    long TotalDebit, long TotalCredit, bool Settled, bool Reconciled, IReadOnlyList<AccountDay> Accounts);

/// <summary>The day-end slice: status, terms, the close by hand, a closed day's report. Shared by the API and the shell.</summary>
public static class DayEndEndpoints
{
    public static async Task<DayEndStatus> Status(ClaimsPrincipal user, IGrainFactory grains, string tenantId, DateTimeOffset now)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        return await Grain(grains, tenantId).Status(now);
    }

    public static async Task<Outcome<DayEndStatus>> Configure(ClaimsPrincipal user, IGrainFactory grains, string tenantId, DayEndSettings body, DateTimeOffset now)
    {
        await user.BankTenant(grains, tenantId);
        TimeOnly? cutOff = null;
        if (body.CutOff is not null)
            cutOff = TimeOnly.TryParseExact(body.CutOff, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                ? t : throw ProblemException.Invalid("cutOff", "cutOff must be a local time of day, HH:mm (00:00 by default).");
        return await Grain(grains, tenantId).Configure(cutOff, body.SettlementLagDays, body.ReconciliationLagDays, user.Name(), now);
    }

    /// <summary>Closes the day by hand (the open day when none is named); a day closed before answers as it was.</summary>
    public static async Task<Outcome<ClosedDayView>> Close(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string? day, DateTimeOffset now)
    {
        await user.BankTenant(grains, tenantId);
        return await Grain(grains, tenantId).Close(day is null ? null : Access.Day(day), byHand: true, user.Name(), now);
    }

    public static async Task<Outcome<DayReport>> Report(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string day, DateTimeOffset now)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        var date = Access.Day(day);
        if ((await Grain(grains, tenantId).Status(now)).Days.FirstOrDefault(d => d.Day == date) is not { } closed) return Refusal.NotFound("The closed day");
        await using var session = store.QuerySession(tenantId);
        var snapshot = await session.LoadAsync<DaySnapshot>(DaySnapshot.IdOf(tenantId, date));
        return new DayReport(tenantId, date, closed.From, closed.Cut, closed.ClosedAt, closed.ClosedBy, closed.MoneyEvents, closed.TotalDebit, closed.TotalCredit,
            closed.Settled, closed.Reconciled, snapshot?.Accounts ?? []);
    }

    static IDayEndGrain Grain(IGrainFactory grains, string tenantId) => grains.GetGrain<IDayEndGrain>(DayEndGrain.KeyOf(tenantId));

    public static IEndpointRouteBuilder MapDayEnd(this IEndpointRouteBuilder api)
    {
        var dayEnd = api.MapGroup("/tenants/{tenantId}/day-end").WithTags("Back office");

        dayEnd.MapGet("", async (string tenantId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                TypedResults.Ok(await Status(http.User, grains, tenantId, clock.GetUtcNow())))
            .Doc("getDayEnd", "The tenant's day-end: cut-off, T+n, the open business day and the days closed",
                "Every money event belongs to the business day whose window of commit time holds it: from the previous close's cut to this one's. "
                + "The open day runs until its cut-off (local time in the tenant's zone, 00:00 by default). Tenant readers and the platform admin.");

        dayEnd.MapPut("/settings", async (string tenantId, DayEndSettings body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Configure(http.User, grains, tenantId, body, clock.GetUtcNow())).ToOk())
            .Doc("configureDayEnd", "Set the tenant's cut-off and settlement terms (platform-admin)",
                "cutOff (HH:mm, whole minutes, the tenant's local time), settlementLagDays (1 to 7: T+1 by default), reconciliationLagDays (0 to 7, "
                + "1 by default: a day is reconciled once the channels published its statement). Absent fields keep their value; the open day ends at the new cut-off.");

        dayEnd.MapPost("/close", async (string tenantId, CloseDayRequest? body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Close(http.User, grains, tenantId, body?.Day, clock.GetUtcNow())).ToOk())
            .Doc("closeBusinessDay", "Close the open business day now (platform-admin)",
                "Cuts at now (or at the day's cut-off if that passed), waits until every transaction begun before the cut is done, snapshots "
                + "each account's opening, debits, credits and closing, and records the close once: closing the same day again (here or on "
                + "another silo) answers the first close. day (yyyy-MM-dd) names the day meant; only the open day can be closed. "
                + "503 day_end_busy when transactions begun before the cut stayed open too long (try again). Moves no money.")
            .Problems(StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

        dayEnd.MapGet("/{day}", async (string tenantId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
                (await Report(http.User, grains, store, tenantId, day, clock.GetUtcNow())).ToOk())
            .Doc("getDayReport", "A closed business day's report: its trial balance per account",
                "Opening (the previous day's closing), debits, credits and closing of every account, in fen; a closed day's figures never change.");
        return api;
    }
}
