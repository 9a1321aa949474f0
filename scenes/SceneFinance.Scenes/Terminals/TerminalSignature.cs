using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using SceneFinance.Grains;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Terminals;

/// <summary>
/// A terminal's signed request (api-v1.md, Authentication), checked by the platform's one check
/// (<see cref="RequestSignature.Verify{TSigner}"/> with <c>X-Terminal-Id</c>); what is the terminals' own is finding a
/// terminal's tenant and secret, kept after its first signed request.
/// </summary>
public sealed class TerminalSignature(IGrainFactory grains, TimeProvider clock, SignatureNonces nonces)
{
    /// <summary>Transitional, for callers that still name it here: the window is <see cref="RequestSignature.WindowSeconds"/>.</summary>
    public const int WindowSeconds = RequestSignature.WindowSeconds;

    // A terminal's tenant and secret never change, so they are cached after the first signed request
    // (unknown ids are not). Whether the terminal is disabled is the terminal grain's to say, per payment.
    readonly ConcurrentDictionary<string, TerminalCredentials> _credentials = new();

    /// <summary>
    /// The verified terminal and the exact body bytes it signed (at most <paramref name="maxBodyBytes"/>). The Idempotency-Key
    /// header is not part of a version 1 signature (api-v1.md): two identical taps in the same second sign alike and are still
    /// two payments. Version 1.1 (X-Signature-Version) covers the key and a nonce, and refuses a captured request sent again.
    /// </summary>
    public async Task<(TerminalCredentials Terminal, byte[] Body)> Verify(HttpRequest request, int maxBodyBytes = RequestSignature.MaxBodyBytes)
    {
        var signed = await RequestSignature.Verify(request, "X-Terminal-Id", clock.GetUtcNow(), Find, maxBodyBytes, nonces);
        return (signed.Signer, signed.Body);
    }

    /// <summary>Transitional, for callers that still sign here (the HIS check): <see cref="RequestSignature.Sign"/> is the one home.</summary>
    public static byte[] Sign(byte[] secret, string timestamp, string method, string path, ReadOnlySpan<byte> body) =>
        RequestSignature.Sign(secret, timestamp, method, path, body);

    // Unknown terminal and wrong signature read the same (the platform's check), so ids don't leak.
    async Task<(TerminalCredentials Signer, byte[] Secret)?> Find(string terminalId)
    {
        if (!_credentials.TryGetValue(terminalId, out var credentials))
        {
            var tenantId = await grains.GetGrain<ITerminalDirectoryGrain>(terminalId).TenantOf();
            if (tenantId is null) return null;
            credentials = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, terminalId)).Credentials();
            if (credentials is null) return null;
            _credentials[terminalId] = credentials;
        }
        return (credentials, credentials.Secret);
    }
}
