using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes.Canteen.PayingAtTerminal;

public sealed record PaymentRequest(string? CardNumber, long? Amount, DateTimeOffset? OccurredAt);
public sealed record BatchItem(string? IdempotencyKey, string? CardNumber, long? Amount, DateTimeOffset? OccurredAt);
/// <summary><c>offlineListVersion</c>: the version of the offline refuse list the till held while it took these taps (absent: judged as if online).</summary>
public sealed record BatchRequest(IReadOnlyList<BatchItem>? Items, long? OfflineListVersion = null);
public sealed record BatchResult(IReadOnlyList<PaymentResult> Results);

/// <summary>Card taps from a signed terminal: one at a time, or an offline batch uploaded later.</summary>
public static class PayAtTerminal
{
    public const int MaxBatchItems = 500;

    // A batch item is at most ~400 bytes (a 128-character key, escaped where it must be, a 32-character card number, an
    // amount and an offset time), so 500 of them need more than the signed-request default of 64 KB.
    public const int MaxBatchBytes = 256 * 1024;
    static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(10);

    // How old a tap may be: an online payment is about now; an offline till uploads within a month
    // (the wallet keeps a month of daily totals, so the daily limit still holds for those days).
    static readonly TimeSpan MaxOnlineAge = TimeSpan.FromHours(24);

    /// <summary>How old an offline tap may be when uploaded: stored answers to terminal payments are kept longer (Canteen/Configuration.cs).</summary>
    public const int OfflineWindowDays = 30;
    static readonly TimeSpan MaxOfflineAge = TimeSpan.FromDays(OfflineWindowDays);

    public static void MapPayAtTerminal(this IEndpointRouteBuilder api)
    {
        api.MapPost("/terminal/payments", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, TimeProvider clock) =>
        {
            var (terminal, body) = await signature.Verify(http.Request);
            var key = IdempotencyTicket.RequireKey(http.Request);
            var request = JsonBody.Parse<PaymentRequest>(body);
            var now = clock.GetUtcNow();
            var errors = new Validation();
            Validate(errors, "", request.CardNumber, request.Amount, request.OccurredAt, now, MaxOnlineAge);
            errors.ThrowIfInvalid();
            return (await Pay(grains, terminal, key, request.CardNumber!, request.Amount!.Value, request.OccurredAt, now)).ToOk();
        })
        .WithTags("Terminals")
        .Caller(CallerKind.Terminal)
        .SignedBody<PaymentRequest>()
        .Idempotent()
        .Doc("payAtTerminal", "A card tap at a signed terminal; a decline is a 200 with its declineCode",
            "The terminal signs the exact body. Approved payments are committed before the answer. A decline (insufficient_funds, "
            + "card_frozen, card_lost, limit_exceeded, risk_rejected, terminal_disabled, tenant_suspended, not_found for a card nobody holds) "
            + "moves nothing. occurredAt, when given, carries Z or an offset and is at most 24 h old; the subsidy purse is spent before cash.");

        api.MapPost("/terminal/payments/batch", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, TimeProvider clock) =>
        {
            // The batch's keys are inside the signed body: a replayed batch replays its answers.
            var (terminal, body) = await signature.Verify(http.Request, MaxBatchBytes);
            var request = JsonBody.Parse<BatchRequest>(body);
            var now = clock.GetUtcNow();
            var errors = new Validation()
                .Require(request.Items is { Count: > 0 and <= MaxBatchItems }, "items", $"items must hold 1 to {MaxBatchItems} payments.")
                .Require(request.OfflineListVersion is null or >= 0, "offlineListVersion", "offlineListVersion must be 0 or more.");
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
                var outcome = await Pay(grains, terminal, item.IdempotencyKey!, item.CardNumber!, item.Amount!.Value, item.OccurredAt, now, request.OfflineListVersion);
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
        .WithTags("Terminals")
        .Caller(CallerKind.Terminal).BodyLimit(MaxBatchBytes)
        .SignedBody<BatchRequest>()
        .Doc("payAtTerminalBatch", "Offline taps uploaded later; each item is idempotent on its own key",
            $"1 to {MaxBatchItems} items (body up to {MaxBatchBytes / 1024} KB), applied in order, answered in order in the single payment's "
            + "shape. Each item needs occurredAt (at most 30 days old); one invalid item rejects the whole upload with 400. An item whose key "
            + "was used for a different payment comes back declined with idempotency_conflict. Uploading the same batch again is safe. With "
            + "offlineListVersion (the refuse list version the till held), each tap is judged by what the till knew: honoured if it was entitled "
            + "to accept it (a shortfall becomes arrears), else declined and recorded as an offline exception (offlineException says why).")
        .Problems(StatusCodes.Status409Conflict);
    }

    static Task<Outcome<PaymentResult>> Pay(IGrainFactory grains, TerminalCredentials terminal, string key, string cardNumber, long amount, DateTimeOffset? occurredAt,
        DateTimeOffset now, long? offlineListVersion = null)
    {
        // The fingerprint is the payment's meaning, the same for a single tap and for a batch item.
        var ticket = IdempotencyTicket.For($"terminal/{terminal.TerminalId}", key, "pay", cardNumber, amount, occurredAt?.ToUniversalTime().ToString("O"));
        var till = grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(terminal.TenantId, terminal.TerminalId));
        var payment = new TerminalPayment(cardNumber, amount, occurredAt ?? now, ticket);
        return offlineListVersion is { } version ? till.PayOffline(payment, version, now) : till.Pay(payment, now);
    }

    static void Validate(Validation v, string prefix, string? cardNumber, long? amount, DateTimeOffset? occurredAt, DateTimeOffset now, TimeSpan maxAge) => v
        .Require(cardNumber is { Length: >= 4 and <= 32 } c && c.All(char.IsAsciiLetterOrDigit), prefix + "cardNumber", "cardNumber must be 4 to 32 letters or digits.")
        .Amount(amount, prefix + "amount")
        .Require(occurredAt is null || occurredAt <= now + MaxClockSkew, prefix + "occurredAt", "occurredAt is in the future.")
        .Require(occurredAt is null || occurredAt >= now - maxAge, prefix + "occurredAt", $"occurredAt is more than {maxAge.TotalDays:0.#} day(s) old.");
}
