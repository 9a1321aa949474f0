using Orleans.Concurrency;
using SceneFinance.Platform.Outcomes;

namespace SceneFinance.Grains;

/// <summary>One version of a rule: drafted by one person, live once approved (by a second person, unless it only shadows).</summary>
[GenerateSerializer, Immutable]
public sealed record RiskRuleVersionView(
    [property: Id(0)] int Version,
    [property: Id(1)] RiskRuleDefinition Definition,
    [property: Id(2)] string DraftedBy,
    [property: Id(3)] DateTimeOffset DraftedAt,
    [property: Id(4)] string? ApprovedBy,
    [property: Id(5)] DateTimeOffset? ApprovedAt,
    [property: Id(6)] string Status);

/// <summary>Who did what to a rule, when: its audit trail (its event stream, read back).</summary>
[GenerateSerializer, Immutable]
public sealed record RiskRuleAuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] string What,
    [property: Id(3)] int? Version);

[GenerateSerializer, Immutable]
public sealed record RiskRuleView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Status,
    [property: Id(3)] int? LiveVersion,
    [property: Id(4)] RiskRuleVersionView[] Versions,
    [property: Id(5)] RiskRuleAuditEntry[] Audit);

/// <summary>
/// A tenant's risk rule. Key: <c>"{tenantId}/{ruleId}"</c>. The single writer of the rule's stream: every change is a new
/// version or an approval, with who and when (the audit trail). A version that blocks or reviews goes live only when a second
/// person (another user) approves it; a shadow version may be made live by its author.
/// </summary>
public interface IRiskRuleGrain : IGrainWithStringKey
{
    /// <summary>A new version (the first creates the rule); it waits for approval, the live version stays live meanwhile.</summary>
    Task<Outcome<RiskRuleView>> Draft(RiskRuleDefinition definition, string by, DateTimeOffset now);

    /// <summary>Makes the version live; <c>forbidden</c> when its author approves a version that blocks or reviews.</summary>
    Task<Outcome<RiskRuleView>> Approve(int version, string by, DateTimeOffset now);

    /// <summary>Stops the rule at once (one person may: it blocks nothing).</summary>
    Task<Outcome<RiskRuleView>> Disable(string by, DateTimeOffset now);

    [ReadOnly] Task<RiskRuleView?> Get();
}

/// <summary>What closing a case as fraud also does.</summary>
[GenerateSerializer, Immutable]
public sealed record FraudMeasures(
    [property: Id(0)] bool FreezeCard,
    [property: Id(1)] bool BlacklistCard,
    [property: Id(2)] bool FlagRecentTaps);

/// <summary>A risk case. Key: <c>"{tenantId}/{caseId}"</c>. Opened by the payment's own commit; worked here, one change at a time.</summary>
public interface IRiskCaseGrain : IGrainWithStringKey
{
    [ReadOnly] Task<RiskCase?> Get();
    Task<Outcome<RiskCase>> Assign(string assignee, string by, DateTimeOffset now);
    Task<Outcome<RiskCase>> Comment(string text, string by, DateTimeOffset now);

    /// <summary>Closes as fraud (with <paramref name="measures"/>) or not fraud; a closed case stays closed.</summary>
    Task<Outcome<RiskCase>> Close(bool fraud, FraudMeasures measures, string? note, string by, DateTimeOffset now);
}

/// <summary>The cards on a tenant's blacklists (and the platform's), for the tills' offline card list (issue 9) to read.</summary>
public interface IRiskBlacklist
{
    /// <summary>The tills' keys (<see cref="CardKeys.ForTill"/>) of the blacklisted cards that apply to the tenant, and the stamp they were read at.</summary>
    Task<(IReadOnlyCollection<string> CardDigests, string Version)> BlacklistedCards(string tenantId, CancellationToken ct = default);
}

/// <summary>
/// Each silo's copy of the tenants' live rules and lists (the risk book), for the slices that change them: a change is
/// stamped, this silo reloads at once and the others within a second. Also the keyed digest ID numbers are listed by.
/// </summary>
public interface IRiskBook : IRiskBlacklist
{
    /// <summary>After a change of <paramref name="owner"/>'s rules or lists (a tenant id, or <see cref="RiskOwners.Platform"/>).</summary>
    Task Changed(string owner, CancellationToken ct = default);

    /// <summary>The keyed digest of an ID number (spaces dropped, letters upper case): what lists keep instead of the number.</summary>
    Task<string> IdNumberDigest(string idNumber, CancellationToken ct = default);

    /// <summary>The stamp of the tenant's rules and lists this silo decides with now (empty: nothing loaded).</summary>
    string StampOf(string tenantId);
}
