using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes.Canteen.PayingAtTerminal;

public sealed record PaymentRequest(string? CardNumber, long? Amount, DateTimeOffset? OccurredAt);
public sealed record BatchItem(string? IdempotencyKey, string? CardNumber, long? Amount, DateTimeOffset? OccurredAt);
public sealed record BatchRequest(IReadOnlyList<BatchItem>? Items);
public sealed record BatchResult(IReadOnlyList<PaymentResult> Results);

/// <summary>Card taps from a signed terminal: one at a time, or an offline batch uploaded later.</summary>
public static class PayAtTerminal
{
    public const int MaxBatchItems = 500;
    static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(10);

    // How old a tap may be: an online payment is about now; an offline till uploads within a month
    // (the wallet keeps a month of daily totals, so the daily limit still holds for those days).
    static readonly TimeSpan MaxOnlineAge = TimeSpan.FromHours(24);
    static readonly TimeSpan MaxOfflineAge = TimeSpan.FromDays(30);

    public static void MapPayAtTerminal(this IEndpointRouteBuilder api)
    {
        api.MapPost("/terminal/payments", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, TimeProvider clock) =>
        {
            var (terminal, body) = await signature.Verify(http.Request);
            var key = IdempotencyTicket.RequireKey(http.Request);
            var request = Parse<PaymentRequest>(body);
            var now = clock.GetUtcNow();
            var errors = new Validation();
            Validate(errors, "", request.CardNumber, request.Amount, request.OccurredAt, now, MaxOnlineAge);
            errors.ThrowIfInvalid();
            return (await Pay(grains, terminal, key, request.CardNumber!, request.Amount!.Value, request.OccurredAt, now)).ToOk();
        })
        .WithName("payAtTerminal").WithSummary("A card tap at a signed terminal (Idempotency-Key); a decline is a 200 with its declineCode");

        api.MapPost("/terminal/payments/batch", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, TimeProvider clock) =>
        {
            // The batch's keys are inside the signed body: a replayed batch replays its answers.
            var (terminal, body) = await signature.Verify(http.Request);
            var request = Parse<BatchRequest>(body);
            var now = clock.GetUtcNow();
            var errors = new Validation()
                .Require(request.Items is { Count: > 0 and <= MaxBatchItems }, "items", $"items must hold 1 to {MaxBatchItems} payments.");
            for (var i = 0; i < (request.Items?.Count ?? 0); i++)
            {
                var item = request.Items![i];
                errors.Require(item is not null && IdempotencyTicket.IsValid(item.IdempotencyKey), $"items[{i}].idempotencyKey", "idempotencyKey must be 1 to 128 visible ASCII characters.");
                if (item is null) continue;
                errors.Require(item.OccurredAt is not null, $"items[{i}].occurredAt", "occurredAt is required for an offline payment.");
                Validate(errors, $"items[{i}].", item.CardNumber, item.Amount, item.OccurredAt, now, MaxOfflineAge);
            }
            errors.ThrowIfInvalid();

            // In order, one at a time: an offline upload replays the till's own sequence of taps.
            var results = new List<PaymentResult>(request.Items!.Count);
            foreach (var item in request.Items)
            {
                var outcome = await Pay(grains, terminal, item.IdempotencyKey!, item.CardNumber!, item.Amount!.Value, item.OccurredAt, now);
                results.Add(outcome.Refusal switch
                {
                    null => outcome.Value!,
                    // A key used for another payment: the item moves nothing and says why, in the payment shape.
                    { Code: ErrorCodes.IdempotencyConflict } => new PaymentResult(null, "declined", ErrorCodes.IdempotencyConflict, item.Amount.Value, null),
                    var refused => throw refused.ToException(),
                });
            }
            return TypedResults.Ok(new BatchResult(results));
        })
        .WithName("payAtTerminalBatch").WithSummary("Offline taps uploaded later (signed); each item is idempotent on its own key");
    }

    static Task<Outcome<PaymentResult>> Pay(IGrainFactory grains, TerminalCredentials terminal, string key, string cardNumber, long amount, DateTimeOffset? occurredAt, DateTimeOffset now)
    {
        // The fingerprint is the payment's meaning, the same for a single tap and for a batch item.
        var ticket = IdempotencyTicket.For($"terminal/{terminal.TerminalId}", key, "pay", cardNumber, amount, occurredAt?.ToUniversalTime().ToString("O"));
        return grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(terminal.TenantId, terminal.TerminalId))
            .Pay(new TerminalPayment(cardNumber, amount, occurredAt ?? now, ticket), now);
    }

    static void Validate(Validation v, string prefix, string? cardNumber, long? amount, DateTimeOffset? occurredAt, DateTimeOffset now, TimeSpan maxAge) => v
        .Require(cardNumber is { Length: >= 4 and <= 32 } c && c.All(char.IsAsciiLetterOrDigit), prefix + "cardNumber", "cardNumber must be 4 to 32 letters or digits.")
        .Amount(amount, prefix + "amount")
        .Require(occurredAt is null || occurredAt <= now + MaxClockSkew, prefix + "occurredAt", "occurredAt is in the future.")
        .Require(occurredAt is null || occurredAt >= now - maxAge, prefix + "occurredAt", $"occurredAt is more than {maxAge.TotalDays:0.#} day(s) old.");

    static T Parse<T>(byte[] body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, SceneJson.Options) ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw ProblemException.Invalid("body", "The body must be a JSON object of this route's shape.");
        }
    }
}
