using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SceneFinance.Platform.Security;

/// <summary>
/// The one way to turn a number that identifies a person (a card number, a phone, an ID number, an account number) into a key
/// to look it up by: HMAC-SHA256 with the platform's digest key, one sub-key per purpose, the first 16 bytes in lowercase hex.
/// Without the key a 16-digit card number or an 18-character ID number cannot be brute-forced from a database dump.
/// <para>
/// Static, because card digests are grain and document ids made in ~15 places (<c>CardKeys</c>) that have no services at
/// hand: <see cref="DigestKeyLoader"/> sets the key once when the host starts, before the silo, and a second, different key
/// in the same process is refused (two keys would split one card into two grains).
/// </para>
/// </summary>
public static class Digests
{
    public const string Card = "card", Phone = "phone", IdNumber = "id-number", Account = "account";

    static readonly Lock Gate = new();
    static readonly ConcurrentDictionary<string, byte[]> SubKeys = new();
    static byte[]? _key;

    public static bool Ready => _key is not null;

    /// <summary>Sets this process's key; the same key again is fine, another one is refused.</summary>
    public static void Use(byte[] key)
    {
        if (key.Length < 32) throw new InvalidOperationException("The digest key must be at least 32 bytes.");
        lock (Gate)
        {
            if (_key is null) _key = [.. key];
            else if (!CryptographicOperations.FixedTimeEquals(_key, key))
                throw new InvalidOperationException("Another digest key is already in use in this process: one deployment has one key (SceneFinance:Secrets:DigestKey).");
        }
    }

    /// <summary>The keyed digest of <paramref name="value"/> for <paramref name="purpose"/> (the caller normalises the value first).</summary>
    public static string Of(string purpose, string value)
    {
        var key = _key ?? throw new InvalidOperationException("The digest key is not loaded yet: the host loads it when it starts (DigestKeyLoader).");
        var sub = SubKeys.GetOrAdd(purpose, p => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("SceneFinance.Digest/" + p)));
        return Convert.ToHexStringLower(HMACSHA256.HashData(sub, Encoding.UTF8.GetBytes(value)), 0, 16);
    }

    /// <summary>A phone as it is looked up: digits only (a leading +86 and spaces or dashes do not make another person).</summary>
    public static string? OfPhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        return Of(Phone, digits);
    }

    /// <summary>An ID number as it is looked up: no white space, upper case (a final x or X is the same check digit).</summary>
    public static string? OfIdNumber(string? idNumber)
    {
        if (string.IsNullOrWhiteSpace(idNumber)) return null;
        return Of(IdNumber, new string([.. idNumber.Where(c => !char.IsWhiteSpace(c))]).ToUpperInvariant());
    }

    public static IServiceCollection AddDigests(this IServiceCollection services)
    {
        services.ConfigureMarten(opts => opts.Schema.For<PlatformSecret>().SingleTenanted());
        services.AddHostedService<DigestKeyLoader>();
        return services;
    }
}

/// <summary>A platform secret kept in PostgreSQL, sealed with the data-protection key ring (<see cref="Sealer"/>).</summary>
public sealed class PlatformSecret
{
    public string Id { get; set; } = "";
    public string Sealed { get; set; } = "";
}

/// <summary>
/// Loads the digest key when the host starts (registered with the platform, so before the silo and every job).
/// <para>
/// Where the key lives, and why: <c>SceneFinance:Secrets:DigestKey</c> (base64, 32 bytes or more) when the operator gives one
/// (a secret store, an environment variable); otherwise it is generated once and kept in PostgreSQL as a
/// <see cref="PlatformSecret"/>, sealed with the key ring. PostgreSQL is the one thing every host of a deployment shares
/// whatever machine it runs on, and the first host to insert the document wins (its id is unique), so all hosts digest alike.
/// Sealed, it never sits in clear beside the digests it keys: a database dump alone holds neither the key nor the numbers, and
/// the key ring (in the data folder, readable by the service's user only) alone holds no data. A file in the data folder
/// would have put the key in clear beside the key ring and raced between silos on first start.
/// </para>
/// </summary>
public sealed class DigestKeyLoader(IDocumentStore store, Sealer sealer, IConfiguration configuration, ILogger<DigestKeyLoader> log) : IHostedService
{
    public const string ConfigurationKey = "SceneFinance:Secrets:DigestKey";
    public const string DocumentId = "digest-key";

    public async Task StartAsync(CancellationToken ct)
    {
        var configured = configuration[ConfigurationKey];
        Digests.Use(string.IsNullOrWhiteSpace(configured) ? await LoadOrCreate(store, sealer, log, ct) : Convert.FromBase64String(configured));
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>The stored key, made and stored (sealed) by the first host to ask.</summary>
    public static async Task<byte[]> LoadOrCreate(IDocumentStore store, Sealer sealer, ILogger log, CancellationToken ct = default)
    {
        await using (var read = store.QuerySession())
            if (await read.LoadAsync<PlatformSecret>(DocumentId, ct) is { } found) return Convert.FromBase64String(sealer.Open(found.Sealed)!);
        await using (var session = store.LightweightSession())
        {
            session.Insert(new PlatformSecret { Id = DocumentId, Sealed = sealer.Seal(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))! });
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (e is DocumentAlreadyExistsException or MartenCommandException)
            {
                log.LogDebug("Another host made the digest key first");
            }
        }
        await using var again = store.QuerySession();
        return Convert.FromBase64String(sealer.Open((await again.LoadAsync<PlatformSecret>(DocumentId, ct))!.Sealed)!);
    }
}
