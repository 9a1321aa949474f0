using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Idempotency;

/// <summary>
/// Where a money-moving request's answer is kept, and a fingerprint of what was asked.
/// <see cref="DocumentId"/> is scoped by the caller (tenant user or terminal); the tenant comes from
/// the Marten session, so two tenants never share a key.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IdempotencyTicket([property: Id(0)] string DocumentId, [property: Id(1)] string RequestHash)
{
    /// <summary>Builds a ticket from the canonical fields of a request (not its raw bytes, so key order and spacing don't matter).</summary>
    public static IdempotencyTicket For(string scope, string key, params object?[] canonicalFields)
    {
        var text = string.Join('\u001f', canonicalFields.Select(f => f?.ToString() ?? "\u2400"));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new IdempotencyTicket($"{scope}|{key}", hash);
    }

    /// <summary>
    /// An internal movement that must happen once (a channel's money applied to a purse, a refund funded): named after
    /// what it applies, so a repeated call finds its first outcome.
    /// </summary>
    public static IdempotencyTicket Operation(string operationId) => new(operationId, "operation");

    /// <summary>Reads and checks the <c>Idempotency-Key</c> header: 1 to 128 visible ASCII characters.</summary>
    public static string RequireKey(HttpRequest request)
    {
        var values = request.Headers["Idempotency-Key"];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
            throw new ProblemException(400, ErrorCodes.IdempotencyKeyRequired, "This route moves money: send an Idempotency-Key header.");
        var key = values[0]!;
        if (!IsValid(key))
            throw ProblemException.Invalid("Idempotency-Key", "Idempotency-Key must be 1 to 128 visible ASCII characters.");
        return key;
    }

    public static bool IsValid(string? key) =>
        key is { Length: >= 1 and <= 128 } && key.All(c => c is >= '!' and <= '~');
}
