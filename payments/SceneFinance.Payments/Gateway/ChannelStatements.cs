using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Payments.Gateway;

public sealed record ChannelStatement(string Channel, DateOnly Day, IReadOnlyList<StatementLine> Lines);

/// <summary>
/// A channel's statement as the channel sent it, for the platform admin who wants to see the raw lines. Matching it against our
/// books is done once, by the back office's reconciliation per tenant and business day (<c>/tenants/{t}/reconciliation</c>).
/// </summary>
public static class ChannelStatements
{
    public static IEndpointRouteBuilder MapChannelStatements(this IEndpointRouteBuilder api)
    {
        api.MapGet("/gateway/statements/{channel}/{day}", async (string channel, string day, HttpContext http, IPaymentGateway gateway, CancellationToken ct) =>
        {
            http.RequirePlatformAdmin();
            if (!Validation.TryDay(day, out var date))
                throw ProblemException.Invalid("day", "day must be a date, yyyy-MM-dd (the channel's statement date).");
            if (!PaymentChannels.All.Contains(channel)) throw ProblemException.NotFound("The channel");
            return TypedResults.Ok(new ChannelStatement(channel, date, await gateway.Statement(channel, date, ct)));
        })
        .WithTags("Gateway")
        .Doc("getChannelStatement", "A channel's statement of a day, as the channel sent it (platform-admin)",
            "Every payment and refund line of the channel's statement for that date (yyyy-MM-dd), across tenants. Reconciliation " +
            "against our books is per tenant and business day: GET /tenants/{tenantId}/reconciliation/{day}.");
        return api;
    }
}
