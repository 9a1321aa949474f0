using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Payments.Notifications;

public static class NotificationEndpoints
{
    /// <summary>
    /// <c>POST /gateway/notifications/{channel}</c>: the channel's own format and signature, answered in the channel's
    /// own words. No bearer token: the channel's signature is the authentication.
    /// </summary>
    public static IEndpointRouteBuilder MapChannelNotifications(this IEndpointRouteBuilder api)
    {
        api.MapPost("/gateway/notifications/{channel}", async (string channel, HttpContext http, NotificationInbox inbox) =>
        {
            using var reader = new StreamReader(http.Request.Body, System.Text.Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var answer = await inbox.Receive(channel, new InboundNotification(headers, body, http.Request.ContentType));
            return answer is null
                ? Results.NotFound()
                : Results.Content(answer.Body, answer.ContentType, System.Text.Encoding.UTF8, answer.StatusCode);
        })
        .AllowAnonymous().WithTags("Gateway").Caller(CallerKind.Channel)
        .Doc("receiveChannelNotification", "Payment channels' asynchronous notifications (signed by the channel)",
            "Each channel's own format and signature, answered in its own words; a forged or stale one is refused and changes nothing. An unknown channel is 404.")
        .Produces(StatusCodes.Status200OK, contentType: "application/json").Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
