using SceneFinance.Platform.Security;
using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Marten.Exceptions;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Outcomes;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Tenants.SigningIn.OneTimeCodes;

/// <summary>The code last sent to one phone for one purpose (platform-wide; only its hash is kept).</summary>
public sealed class OneTimeCode
{
    /// <summary><c>{purpose}:{phone digest}</c> (<see cref="Digests.OfPhone"/>).</summary>
    public string Id { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public int WrongAttempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    /// <summary>When codes were sent in the last hour (the send limit).</summary>
    public List<DateTimeOffset> Sent { get; set; } = [];
}

public sealed record CodeSent(DateTimeOffset ExpiresAt);

public static class OneTimeCodeCodes
{
    public const string CodeInvalid = "code_invalid";
}

/// <summary>
/// One-time codes sent by SMS (through the notifier), for any scene that signs people in by phone (the parent portal; later the
/// hospital's patients). A code is 6 digits, lives <see cref="Lifetime"/>, is usable once, and is refused <c>429</c> after
/// <see cref="MaxWrongAttempts"/> wrong guesses; a phone gets at most <see cref="MaxSendsPerHour"/> codes an hour, one per
/// <see cref="ResendAfter"/>. Two guesses at once cannot both count as one: the document is written with optimistic concurrency.
/// </summary>
public sealed class OneTimeCodes(IDocumentStore store, Notifier notifier, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(30);
    public const int MaxWrongAttempts = 5, MaxSendsPerHour = 5;

    static readonly Refusal Invalid = new(RefusalKind.Unauthorized, OneTimeCodeCodes.CodeInvalid, "The code is wrong, used or expired; ask for a new one.");
    static readonly Refusal TooManyGuesses = new(RefusalKind.TooManyRequests, ErrorCodes.RateLimited, "Too many wrong codes; ask for a new one.");
    static readonly Refusal TooManySends = new(RefusalKind.TooManyRequests, ErrorCodes.RateLimited, "A code was sent to this phone a moment ago; wait before asking again.");

    /// <summary>Sends a new code (the last one stops working); <paramref name="text"/> writes the SMS around it.</summary>
    public async Task<Outcome<CodeSent>> Send(string purpose, string phone, Func<string, string> text, string? tenantId = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var id = $"{purpose}:{Digests.OfPhone(phone)}"; // the phone by its digest: the code table names no one
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
        await using (var session = store.LightweightSession())
        {
            var last = await session.LoadAsync<OneTimeCode>(id, ct);
            var recent = last?.Sent.Where(at => at > now - TimeSpan.FromHours(1)).ToList() ?? [];
            if (recent.Count >= MaxSendsPerHour || recent.Any(at => at > now - ResendAfter)) return TooManySends;
            session.Store(new OneTimeCode { Id = id, Hash = Hash(id, code), ExpiresAt = now + Lifetime, Sent = [.. recent, now] });
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (e is ConcurrencyException or DocumentAlreadyExistsException)
            {
                return TooManySends; // two sends at once: one wins
            }
        }
        await notifier.Send(new Notification
        {
            Id = $"otp:{id}:{now.ToUnixTimeMilliseconds()}", Channel = NotificationChannels.Sms, To = phone, TenantId = tenantId, Template = "one-time-code", Text = text(code),
        }, ct: ct);
        return new CodeSent(now + Lifetime);
    }

    /// <summary>Uses the code: once, before it expires, and not after too many wrong guesses.</summary>
    public async Task<Outcome<bool>> Redeem(string purpose, string phone, string code, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var id = $"{purpose}:{Digests.OfPhone(phone)}"; // the phone by its digest: the code table names no one
        await using var session = store.LightweightSession();
        var sent = await session.LoadAsync<OneTimeCode>(id, ct);
        if (sent is null || sent.UsedAt is not null || sent.ExpiresAt <= now) return Invalid;
        if (sent.WrongAttempts >= MaxWrongAttempts) return TooManyGuesses;
        var right = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sent.Hash), Encoding.ASCII.GetBytes(Hash(id, code)));
        if (right) sent.UsedAt = now;
        else sent.WrongAttempts++;
        session.Store(sent);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            return TooManyGuesses; // guesses in parallel: only one is decided at a time
        }
        return right ? true : sent.WrongAttempts >= MaxWrongAttempts ? TooManyGuesses : Invalid;
    }

    static string Hash(string id, string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}|{code}")));
}
