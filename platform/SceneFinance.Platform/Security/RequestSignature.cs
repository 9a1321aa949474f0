using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Security;

/// <summary>Who signed a request and the exact bytes they signed.</summary>
public sealed record Signed<TSigner>(TSigner Signer, byte[] Body);

/// <summary>
/// The one check of a signed request (api-v1.md, Authentication), for terminals (<c>X-Terminal-Id</c>) and system clients
/// such as the HIS (<c>X-Client-Id</c>) alike: lowercase hex HMAC-SHA256(secret, timestamp + "\n" + METHOD + "\n" + path + "\n" + body)
/// within <see cref="WindowSeconds"/> of server time. The headers, the window and the declared size are checked before a byte
/// of the body is read, and the body is read no further than <see cref="MaxBodyBytes"/>.
/// <para>
/// Version 1.1 (README, "Terminal signature v1.1"), chosen by the caller with <c>X-Signature-Version: 1.1</c>: the signature
/// also covers the <c>Idempotency-Key</c> and an <c>X-Nonce</c>, HMAC-SHA256(secret, "1.1\n" + timestamp + "\n" + nonce + "\n" +
/// METHOD + "\n" + path + "\n" + idempotencyKey + "\n" + body), and a nonce is accepted once per signer within the window
/// (<see cref="SignatureNonces"/>, in PostgreSQL so every silo sees it): a captured request sent again is refused. Version 1
/// (no header) works as it always did.
/// </para>
/// </summary>
public static class RequestSignature
{
    public const int WindowSeconds = 300;
    public const int MaxBodyBytes = 64 * 1024;
    public const string VersionHeader = "X-Signature-Version";
    public const string NonceHeader = "X-Nonce";
    public const string V11 = "1.1";

    /// <summary>Version 1.1's signature: the key and the nonce are covered too.</summary>
    public static byte[] SignV11(byte[] secret, string timestamp, string nonce, string method, string path, string idempotencyKey, ReadOnlySpan<byte> body) =>
        Sign(secret, $"{V11}\n{timestamp}\n{nonce}", method, $"{path}\n{idempotencyKey}", body);

    public static byte[] Sign(byte[] secret, string timestamp, string method, string path, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{timestamp}\n{method}\n{path}\n");
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        return HMACSHA256.HashData(secret, message);
    }

    /// <param name="idHeader">The header naming the signer (<c>X-Terminal-Id</c>, <c>X-Client-Id</c>).</param>
    /// <param name="find">The signer and its secret, or null for an unknown id (answered like a wrong signature, so ids don't leak).</param>
    /// <param name="maxBodyBytes">The route's body limit (default <see cref="MaxBodyBytes"/>).</param>
    /// <param name="nonces">Where version 1.1's nonces are remembered; without it, version 1.1 is refused.</param>
    public static Task<Signed<TSigner>> Verify<TSigner>(HttpRequest request, string idHeader, DateTimeOffset now,
        Func<string, Task<(TSigner Signer, byte[] Secret)?>> find, int maxBodyBytes = MaxBodyBytes, SignatureNonces? nonces = null) =>
        Verify<TSigner>(request, idHeader, now, async id => await find(id) is { } known ? (known.Signer, [known.Secret]) : null, maxBodyBytes, nonces);

    /// <summary>
    /// The same check for a signer that holds more than one secret: during a rotation's grace (<see cref="SecretRotation"/>)
    /// the new secret and the previous one both verify; <paramref name="find"/> leaves out a previous secret whose grace is over.
    /// </summary>
    public static async Task<Signed<TSigner>> Verify<TSigner>(HttpRequest request, string idHeader, DateTimeOffset now,
        Func<string, Task<(TSigner Signer, IReadOnlyList<byte[]> Secrets)?>> find, int maxBodyBytes = MaxBodyBytes, SignatureNonces? nonces = null)
    {
        var id = request.Headers[idHeader].ToString();
        var timestamp = request.Headers["X-Timestamp"].ToString();
        var signature = request.Headers["X-Signature"].ToString();
        var version = request.Headers[VersionHeader].ToString();
        var nonce = request.Headers[NonceHeader].ToString();
        var key = request.Headers["Idempotency-Key"].ToString();
        if (id.Length is 0 or > 64 || signature.Length != 64 || !long.TryParse(timestamp, out var unix))
            throw Invalid($"Send {idHeader}, X-Timestamp and X-Signature.");
        if (version is not ("" or "1" or V11)) throw Invalid($"{VersionHeader} must be 1 or {V11}.");
        if (version == V11 && (nonces is null || !IsNonce(nonce)))
            throw Invalid($"Version {V11} signs an {NonceHeader} of 16 to 64 letters, digits, '-' or '_', unique per request.");
        if (Math.Abs(now.ToUnixTimeSeconds() - unix) > WindowSeconds)
            throw Invalid($"X-Timestamp is more than {WindowSeconds} seconds away from server time.");
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { throw Invalid("X-Signature is not hex."); }

        var body = await ReadBody(request, maxBodyBytes);
        var known = await find(id) ?? throw Invalid("The signature does not match.");
        var path = request.Path.Value ?? "";
        var matches = false;
        foreach (var secret in known.Secrets)
        {
            var expected = version == V11
                ? SignV11(secret, timestamp, nonce, request.Method, path, key, body)
                : Sign(secret, timestamp, request.Method, path, body);
            matches |= CryptographicOperations.FixedTimeEquals(expected, given);
        }
        if (!matches) throw Invalid("The signature does not match.");
        // Only a request signed with the secret reaches here, so nobody else can use up a signer's nonces. The nonce is kept
        // past the furthest time its timestamp is still accepted.
        if (version == V11 && !await nonces!.FirstUse($"{idHeader}:{id}", nonce, DateTimeOffset.FromUnixTimeSeconds(unix).AddSeconds(WindowSeconds + 60)))
            throw Invalid("This request was received before (its X-Nonce is used): a replay is refused.");
        return new Signed<TSigner>(known.Signer, body);
    }

    static bool IsNonce(string nonce) => nonce.Length is >= 16 and <= 64 && nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The body, bytes as signed. With a Content-Length (every till and HIS sends one) it is read straight into an array of
    /// that size, which the server's framing guarantees is filled; a chunked body grows a buffer, refused past <paramref name="max"/>.
    /// The profile of a signed tap found the old way (an 8 KB chunk, a stream and a copy per request) a sixth of the host's
    /// allocation per payment.
    /// </summary>
    static async Task<byte[]> ReadBody(HttpRequest request, int max)
    {
        if (request.ContentLength > max) throw TooLarge(max);
        if (request.ContentLength is { } length)
        {
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body);
            return body;
        }
        using var buffer = new MemoryStream(256);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk)) > 0)
            {
                if (buffer.Length + read > max) throw TooLarge(max);
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    static ProblemException TooLarge(int max) => ProblemException.Invalid("body", $"The body must be at most {max / 1024} KB.");

    static ProblemException Invalid(string detail) => new(401, ErrorCodes.SignatureInvalid, detail);
}
