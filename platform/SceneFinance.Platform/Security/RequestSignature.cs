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
/// </summary>
public static class RequestSignature
{
    public const int WindowSeconds = 300;
    public const int MaxBodyBytes = 64 * 1024;

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
    public static async Task<Signed<TSigner>> Verify<TSigner>(HttpRequest request, string idHeader, DateTimeOffset now,
        Func<string, Task<(TSigner Signer, byte[] Secret)?>> find, int maxBodyBytes = MaxBodyBytes)
    {
        var id = request.Headers[idHeader].ToString();
        var timestamp = request.Headers["X-Timestamp"].ToString();
        var signature = request.Headers["X-Signature"].ToString();
        if (id.Length is 0 or > 64 || signature.Length != 64 || !long.TryParse(timestamp, out var unix))
            throw Invalid($"Send {idHeader}, X-Timestamp and X-Signature.");
        if (Math.Abs(now.ToUnixTimeSeconds() - unix) > WindowSeconds)
            throw Invalid($"X-Timestamp is more than {WindowSeconds} seconds away from server time.");
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { throw Invalid("X-Signature is not hex."); }

        var body = await ReadBody(request, maxBodyBytes);
        var known = await find(id) ?? throw Invalid("The signature does not match.");
        var expected = Sign(known.Secret, timestamp, request.Method, request.Path.Value ?? "", body);
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) throw Invalid("The signature does not match.");
        return new Signed<TSigner>(known.Signer, body);
    }

    static async Task<byte[]> ReadBody(HttpRequest request, int max)
    {
        if (request.ContentLength > max) throw TooLarge(max);
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n ? (int)n : 256);
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > max) throw TooLarge(max);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    static ProblemException TooLarge(int max) => ProblemException.Invalid("body", $"The body must be at most {max / 1024} KB.");

    static ProblemException Invalid(string detail) => new(401, ErrorCodes.SignatureInvalid, detail);
}
