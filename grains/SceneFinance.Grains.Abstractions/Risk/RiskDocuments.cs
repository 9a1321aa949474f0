using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains;

/// <summary>
/// Changes to a tenant's rules or lists (or the platform's lists, under <see cref="RiskOwners.Platform"/>) bump this stamp;
/// each silo's risk book reloads what changed within a second. Platform-wide (one small row per owner).
/// </summary>
public sealed class RiskStamp
{
    public string Id { get; set; } = "";
    public string Version { get; set; } = "";
    public DateTimeOffset ChangedAt { get; set; }
}

public static class RiskOwners
{
    /// <summary>The bank's own lists, which apply to every tenant: kept as if of a tenant of this id.</summary>
    public const string Platform = "platform";
}

/// <summary>One subject on one list (of a tenant, or the platform's). The same subject on the same list is one entry.</summary>
public sealed class RiskListEntry
{
    public string Id { get; set; } = "";
    public string List { get; set; } = "";
    public string Subject { get; set; } = "";

    /// <summary>The card's keyed digest (<see cref="CardKeys.Of"/>), the holder's or terminal's id, the ID number's keyed digest: never a card or ID number.</summary>
    public string Key { get; set; } = "";

    /// <summary>A card's key on the tills' offline card list (<see cref="CardKeys.ForTill"/>), so a blacklisted card reaches the tills.</summary>
    public string? TillKey { get; set; }

    /// <summary>What a person may see of the subject: a card's or ID number's last 4, an id.</summary>
    public string Label { get; set; } = "";
    public string? Note { get; set; }
    public string Source { get; set; } = "manual";
    public string AddedBy { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }

    public static string IdOf(string list, string subject, string key) => Ids.Derived("rle", $"{list}|{subject}|{key}");
}

/// <summary>A rule for lists and for the risk books: its live version's definition (null while none is live) and its latest version.</summary>
public sealed class RiskRuleListing
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>draft (nothing live yet), live, disabled.</summary>
    public string Status { get; set; } = "";
    public int? LiveVersion { get; set; }
    public RiskRuleDefinition? Live { get; set; }
    public int LatestVersion { get; set; }
    public string LatestAction { get; set; } = "";

    /// <summary>The latest version waits for a second person's approval.</summary>
    public bool Pending { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A tap a rule or list fired on: written in the same commit as the payment's decision, for the risk page and the holder's transactions.</summary>
public sealed class RiskInterception
{
    /// <summary>The payment's id.</summary>
    public string Id { get; set; } = "";
    public string CardHolderId { get; set; } = "";
    public string CardLast4 { get; set; } = "";

    /// <summary>The card's keyed digest (<see cref="CardKeys.Of"/>), to blacklist it.</summary>
    public string CardKey { get; set; } = "";
    public string TerminalId { get; set; } = "";
    public long Amount { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset DecidedAt { get; set; }

    /// <summary><see cref="RiskOutcomes"/>: blocked, reviewed or shadow.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>approved or declined: what the tap's answer said.</summary>
    public string Status { get; set; } = "";
    public string? DeclineCode { get; set; }
    public RiskHit[] Hits { get; set; } = [];
    public string[] RuleIds { get; set; } = [];
}

/// <summary>A risk case (a tap a review rule fired on), with everything done to it. Its grain is the single writer.</summary>
[GenerateSerializer]
public sealed class RiskCase
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string PaymentId { get; set; } = "";
    [Id(2)] public string CardHolderId { get; set; } = "";
    [Id(3)] public string CardLast4 { get; set; } = "";

    /// <summary>The card's keyed digest (<see cref="CardKeys.Of"/>), to blacklist it.</summary>
    [Id(4)] public string CardKey { get; set; } = "";
    [Id(5)] public string TerminalId { get; set; } = "";
    [Id(6)] public long Amount { get; set; }
    [Id(7)] public DateTimeOffset OccurredAt { get; set; }
    [Id(8)] public DateTimeOffset OpenedAt { get; set; }

    /// <summary>open or closed.</summary>
    [Id(9)] public string Status { get; set; } = "open";
    [Id(10)] public string? Assignee { get; set; }

    /// <summary>fraud or notFraud, once closed.</summary>
    [Id(11)] public string? Resolution { get; set; }
    [Id(12)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(13)] public RiskHit[] Hits { get; set; } = [];
    [Id(14)] public RiskCaseEntry[] History { get; set; } = [];

    /// <summary>The holder's other recent payments, flagged when the case was closed as fraud.</summary>
    [Id(15)] public string[] FlaggedPayments { get; set; } = [];
    [Id(16)] public DateTimeOffset UpdatedAt { get; set; }

    public static string IdOf(string paymentId) => Ids.Derived("rcs", paymentId);
}

[GenerateSerializer, Immutable]
public sealed record RiskCaseEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] string What,
    [property: Id(3)] string? Text);

/// <summary>A backtest of a draft rule over a period of the tenant's stored taps, and its progress and result.</summary>
public sealed class RiskBacktest
{
    public string Id { get; set; } = "";

    /// <summary>Its tenant, for the job that runs every tenant's queued backtests.</summary>
    public string TenantId { get; set; } = "";
    public RiskRuleDefinition Rule { get; set; } = new("", RiskActions.Shadow, []);
    public DateTimeOffset From { get; set; }
    public DateTimeOffset To { get; set; }

    /// <summary>queued, running, done or failed.</summary>
    public string Status { get; set; } = "queued";
    public int Percent { get; set; }
    public long Processed { get; set; }
    public long Total { get; set; }

    /// <summary>Taps the rule fired on, the holders they belong to and their fen.</summary>
    public long Taps { get; set; }
    public long Holders { get; set; }
    public long Amount { get; set; }
    public BacktestSample[] Sample { get; set; } = [];
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>One tap a backtested rule fired on: the payment, its holder and the values.</summary>
public sealed record BacktestSample(
    string PaymentId, string CardHolderId, string TerminalId, long Amount, DateTimeOffset OccurredAt, string RecordedStatus, TriggerValue[] Values);
