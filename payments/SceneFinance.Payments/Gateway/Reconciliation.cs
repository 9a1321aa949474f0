using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Payments.Gateway;

public sealed record Totals(int Count, long Amount);

/// <summary>A channel's statement for a day against our own record of that day's succeeded payments.</summary>
public sealed record ReconciliationReport(
    string Channel, DateOnly Day, Totals ChannelPayments, Totals ChannelRefunds, Totals OurPayments, int Matched,
    IReadOnlyList<string> MissingHere, IReadOnlyList<string> MissingAtChannel, IReadOnlyList<string> AmountMismatches,
    IReadOnlyList<StatementLine> Lines);

public static class Reconciliation
{
    public static IEndpointRouteBuilder MapReconciliation(this IEndpointRouteBuilder api)
    {
        api.MapGet("/gateway/statements/{channel}/{day}", async (string channel, string day, HttpContext http, IPaymentGateway gateway, IDocumentStore store, CancellationToken ct) =>
        {
            http.RequirePlatformAdmin();
            if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                throw ProblemException.Invalid("day", "day must be a date, yyyy-MM-dd (UTC).");
            if (!PaymentChannels.All.Contains(channel)) throw ProblemException.NotFound("The channel");
            return TypedResults.Ok(await Reconcile(gateway, store, channel, date, ct));
        })
        .WithTags("Gateway")
        .Doc("reconcileChannelStatement", "A channel's daily statement reconciled against our succeeded payments (platform-admin)",
            "The channel's payments and refunds of a UTC day (yyyy-MM-dd) against the intents that succeeded that day: matched, missing on either side, amounts that differ.");
        return api;
    }

    public static async Task<ReconciliationReport> Reconcile(IPaymentGateway gateway, IDocumentStore store, string channel, DateOnly day, CancellationToken ct)
    {
        var lines = await gateway.Statement(channel, day, ct);
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = from.AddDays(1);
        await using var session = store.QuerySession();
        var ours = await session.Query<IntentListing>()
            .Where(x => x.AnyTenant() && x.Channel == channel && x.SucceededAt >= from && x.SucceededAt < to)
            .ToListAsync(ct);
        var paid = lines.Where(l => l.Kind == "payment").ToDictionary(l => l.OrderNo);
        var refunds = lines.Where(l => l.Kind == "refund").ToList();
        var oursByOrder = ours.ToDictionary(o => o.OrderNo);
        return new ReconciliationReport(channel, day,
            new Totals(paid.Count, paid.Values.Sum(l => l.Amount)),
            new Totals(refunds.Count, refunds.Sum(l => l.Amount)),
            new Totals(ours.Count, ours.Sum(o => o.Amount)),
            paid.Keys.Count(k => oursByOrder.TryGetValue(k, out var o) && o.Amount == paid[k].Amount),
            paid.Keys.Where(k => !oursByOrder.ContainsKey(k)).Order().ToList(),
            oursByOrder.Keys.Where(k => !paid.ContainsKey(k)).Order().ToList(),
            paid.Keys.Where(k => oursByOrder.TryGetValue(k, out var o) && o.Amount != paid[k].Amount).Order().ToList(),
            lines);
    }
}
