using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.BackOffice.Reconciling;

public sealed record TillSummaryRequest(string? BusinessDay, int? Count, long? Amount);

/// <summary>A till's own totals for a business day, as it reported them last.</summary>
public sealed record TillSummary(string TerminalId, DateOnly BusinessDay, int Count, long Amount, DateTimeOffset ReceivedAt);

/// <summary>A till's day summary (per tenant; id <c>"{tenantId}:{terminalId}:{yyyy-MM-dd}"</c>); a till may send it again, corrected.</summary>
public sealed class TillSummaryDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string TerminalId { get; set; } = "";
    public DateOnly BusinessDay { get; set; }
    public TillSummary Summary { get; set; } = null!;
}

/// <summary>Tills report what they took in a business day (signed like their taps); reconciliation matches it against the taps recorded.</summary>
public static class TillSummaries
{
    public static IEndpointRouteBuilder MapTillSummaries(this IEndpointRouteBuilder api)
    {
        api.MapPost("/terminal/day-summaries", async (HttpContext http, TerminalSignature signature, IDocumentStore store, TimeProvider clock) =>
            {
                var (terminal, body) = await signature.Verify(http.Request);
                var request = JsonBody.Parse<TillSummaryRequest>(body);
                var day = Validation.TryDay(request.BusinessDay, out var d) ? d : (DateOnly?)null;
                new Validation()
                    .Require(day is not null, "businessDay", "businessDay must be a date, yyyy-MM-dd (the till's business day).")
                    .Require(request.Count is >= 0 and <= 1_000_000, "count", "count must be 0 to 1000000.")
                    .Require(request.Amount is >= 0 and <= 100_000_000_000, "amount", "amount must be 0 or more fen.")
                    .ThrowIfInvalid();
                var summary = new TillSummary(terminal.TerminalId, day!.Value, request.Count!.Value, request.Amount!.Value, clock.GetUtcNow());
                await using var session = store.LightweightSession(terminal.TenantId);
                session.Store(new TillSummaryDocument
                {
                    Id = $"{terminal.TenantId}:{terminal.TerminalId}:{day:yyyy-MM-dd}", TenantId = terminal.TenantId, TerminalId = terminal.TerminalId,
                    BusinessDay = day.Value, Summary = summary,
                });
                await session.SaveChangesAsync();
                return TypedResults.Ok(summary);
            })
            .WithTags("Terminals")
            .Caller(CallerKind.Terminal)
            .Accepts<TillSummaryRequest>("application/json")
            .Doc("reportTillDaySummary", "A till reports its totals for a business day",
                "The till's own count and amount (fen) of approved taps for the day, including taps it took offline. Reconciliation matches "
                + "it against the taps recorded for the till; a later report for the same day replaces the earlier one. Moves no money.");
        return api;
    }
}
