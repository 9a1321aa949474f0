using Orleans.Concurrency;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains;

/// <summary>What kind of business a merchant is: where subsidies may be spent and what risk rules may look at.</summary>
public static class MerchantCategories
{
    public const string Canteen = "canteen";
    public const string Shop = "shop";
    public const string Supermarket = "supermarket";
    public const string Hospital = "hospital";
    public const string School = "school";
    public const string Other = "other";

    public static readonly string[] All = [Canteen, Shop, Supermarket, Hospital, School, Other];

    /// <summary>The category of a tenant's first merchant, from its scene.</summary>
    public static string ForScene(string tenantKind) => tenantKind == "hospital" ? Hospital : Canteen;
}

/// <summary>A merchant as lists and the API show it.</summary>
[GenerateSerializer, Immutable]
public sealed record MerchantView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Category,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt);

/// <summary>
/// A merchant of a tenant: a canteen operator with its stalls, a shop, a supermarket (the school or hospital itself is one too).
/// Terminals belong to a merchant; card payments at its terminals post to <c>merchant-receivable:{merchantId}</c>, which
/// settlement pays out. Key: <c>"{tenantId}/{merchantId}"</c>. The single writer of the merchant's stream.
/// </summary>
public interface IMerchantGrain : IGrainWithStringKey
{
    /// <summary>Opens the merchant; <c>conflict</c> when it exists.</summary>
    Task<Outcome<MerchantView>> Open(string name, string category, DateTimeOffset now);

    /// <summary>The merchant, or null when there is none.</summary>
    [ReadOnly] Task<MerchantView?> Get();

    Task<Outcome<MerchantView>> Rename(string name, DateTimeOffset now);

    /// <summary>Closes the merchant: no terminal may be moved to it; its terminals keep their history.</summary>
    Task<Outcome<MerchantView>> Close(DateTimeOffset now);
}

public static class MerchantIds
{
    /// <summary>
    /// The tenant's first merchant, which terminals belong to unless placed elsewhere: created for a tenant's terminals when
    /// merchants came in (they keep working), and the default for a terminal created without a merchant.
    /// </summary>
    public static string DefaultId(string tenantId) => Ids.Derived("mch", tenantId + "|default");

    public static bool IsMerchantId(string id) => id.StartsWith("mch_", StringComparison.Ordinal);
}

/// <summary>A merchant for lists (per tenant): written by its grain with every change.</summary>
public sealed class MerchantListing
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Category { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public MerchantView View() => new(Id, Name, Category, Status, CreatedAt, UpdatedAt);
}
