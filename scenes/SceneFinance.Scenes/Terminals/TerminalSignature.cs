using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Terminals;

/// <summary>
/// Checks a terminal's request signature (api-v1.md, Authentication):
/// lowercase hex HMAC-SHA256(secret, timestamp + "\n" + METHOD + "\n" + path + "\n" + body), within 300 s.
/// </summary>
public sealed class TerminalSignature(IGrainFactory grains, TimeProvider clock)
{
    public const int WindowSeconds = 300;
    const int MaxBodyBytes = 1 << 20;

    // A terminal's tenant and secret never change, so they are cached after the first signed request
    // (unknown ids are not). Whether the terminal is disabled is the terminal grain's to say, per payment.
    readonly ConcurrentDictionary<string, TerminalCredentials> _credentials = new();

    /// <summary>
    /// The verified terminal and the exact body bytes it signed. The Idempotency-Key header is not part of the
    /// signature (api-v1.md): two identical taps in the same second sign alike and are still two payments, so a
    /// captured request must not be replayable, which is why terminals talk to us over TLS only.
    /// </summary>
    public async Task<(TerminalCredentials Terminal, byte[] Body)> Verify(HttpRequest request)
    {
        var terminalId = request.Headers["X-Terminal-Id"].ToString();
        var timestamp = request.Headers["X-Timestamp"].ToString();
        var signature = request.Headers["X-Signature"].ToString();
        if (terminalId.Length is 0 or > 64 || signature.Length != 64 || !long.TryParse(timestamp, out var unix))
            throw Invalid("Send X-Terminal-Id, X-Timestamp and X-Signature.");
        if (Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - unix) > WindowSeconds)
            throw Invalid($"X-Timestamp is more than {WindowSeconds} seconds away from server time.");

        var body = await ReadBody(request);
        // Unknown terminal and wrong signature read the same, so the answer doesn't tell which terminal ids exist.
        var credentials = await Credentials(terminalId) ?? throw Invalid("The signature does not match.");
        var expected = Sign(credentials.Secret, timestamp, request.Method, request.Path.Value ?? "", body);
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { throw Invalid("X-Signature is not hex."); }
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            throw Invalid("The signature does not match.");
        return (credentials, body);
    }

    public static byte[] Sign(byte[] secret, string timestamp, string method, string path, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{timestamp}\n{method}\n{path}\n");
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        return HMACSHA256.HashData(secret, message);
    }

    async Task<TerminalCredentials?> Credentials(string terminalId)
    {
        if (_credentials.TryGetValue(terminalId, out var known)) return known;
        var tenantId = await grains.GetGrain<ITerminalDirectoryGrain>(terminalId).TenantOf();
        if (tenantId is null) return null;
        var credentials = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, terminalId)).Credentials();
        if (credentials is not null) _credentials[terminalId] = credentials;
        return credentials;
    }

    static async Task<byte[]> ReadBody(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes) throw new ProblemException(400, ErrorCodes.ValidationFailed, "The body is too large.");
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n ? (int)n : 256);
        await request.Body.CopyToAsync(buffer);
        if (buffer.Length > MaxBodyBytes) throw new ProblemException(400, ErrorCodes.ValidationFailed, "The body is too large.");
        return buffer.ToArray();
    }

    static ProblemException Invalid(string detail) => new(401, ErrorCodes.SignatureInvalid, detail);
}

