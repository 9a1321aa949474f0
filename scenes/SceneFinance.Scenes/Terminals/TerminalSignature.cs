using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using SceneFinance.Grains;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Terminals;

/// <summary>
/// A terminal's signed request (api-v1.md, Authentication), checked by the platform's one check
/// (<see cref="RequestSignature.Verify{TSigner}"/> with <c>X-Terminal-Id</c>); what is the terminals' own is finding a
/// terminal's tenant and secrets. They are kept in memory, opened, for <see cref="Fresh"/> at most (this host forgets a terminal
/// at once when it rotates its secret), so a rotation made on any host is seen everywhere within a minute; a previous secret
/// verifies only while its grace lasts.
/// </summary>
public sealed class TerminalSignature(IGrainFactory grains, TimeProvider clock, SignatureNonces nonces, Sealer sealer)
{
    /// <summary>Transitional, for callers that still name it here: the window is <see cref="RequestSignature.WindowSeconds"/>.</summary>
    public const int WindowSeconds = RequestSignature.WindowSeconds;

    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);

    sealed record Known(TerminalCredentials Credentials, byte[] Secret, byte[]? Previous, DateTimeOffset ReadAt);

    // Unknown ids are not kept. Whether the terminal is disabled is the terminal grain's to say, per payment.
    readonly ConcurrentDictionary<string, Known> _credentials = new();

    /// <summary>
    /// The verified terminal and the exact body bytes it signed (at most <paramref name="maxBodyBytes"/>). The Idempotency-Key
    /// header is not part of a version 1 signature (api-v1.md): two identical taps in the same second sign alike and are still
    /// two payments. Version 1.1 (X-Signature-Version) covers the key and a nonce, and refuses a captured request sent again.
    /// </summary>
    public async Task<(TerminalCredentials Terminal, byte[] Body)> Verify(HttpRequest request, int maxBodyBytes = RequestSignature.MaxBodyBytes)
    {
        var now = clock.GetUtcNow();
        var signed = await RequestSignature.Verify<TerminalCredentials>(request, "X-Terminal-Id", now, id => Find(id, now), maxBodyBytes, nonces);
        return (signed.Signer, signed.Body);
    }

    /// <summary>This host reads the terminal afresh on its next signed request (after a rotation made here).</summary>
    public void Forget(string terminalId) => _credentials.TryRemove(terminalId, out _);

    /// <summary>Transitional, for callers that still sign here (the HIS check): <see cref="RequestSignature.Sign"/> is the one home.</summary>
    public static byte[] Sign(byte[] secret, string timestamp, string method, string path, ReadOnlySpan<byte> body) =>
        RequestSignature.Sign(secret, timestamp, method, path, body);

    // Unknown terminal and wrong signature read the same (the platform's check), so ids don't leak.
    async Task<(TerminalCredentials Signer, IReadOnlyList<byte[]> Secrets)?> Find(string terminalId, DateTimeOffset now)
    {
        if (!_credentials.TryGetValue(terminalId, out var known) || now - known.ReadAt >= Fresh)
        {
            var tenantId = await grains.GetGrain<ITerminalDirectoryGrain>(terminalId).TenantOf();
            if (tenantId is null) return null;
            var credentials = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, terminalId)).Credentials();
            if (credentials is null) return null;
            known = new Known(credentials, Open(credentials.SealedSecret)!, Open(credentials.SealedPrevious), now);
            _credentials[terminalId] = known;
        }
        return (known.Credentials, known.Previous is { } previous && known.Credentials.PreviousUntil > now ? [known.Secret, previous] : [known.Secret]);
    }

    byte[]? Open(string? sealedSecret) => sealer.Open(sealedSecret) is { } clear ? System.Text.Encoding.UTF8.GetBytes(clear) : null;
}
