using System.Collections.Immutable;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.Risk;

// A rule's stream: every version drafted, every approval and every stop, with who and when. Read back, it is the audit trail.

public sealed record RiskRuleDrafted(string RuleId, int Version, RiskRuleDefinition Definition, string By, DateTimeOffset DraftedAt);
public sealed record RiskRuleApproved(string RuleId, int Version, string By, DateTimeOffset ApprovedAt);
public sealed record RiskRuleDisabled(string RuleId, string By, DateTimeOffset DisabledAt);

/// <summary>A rule as its events made it.</summary>
public sealed record RiskRule(string Id, ImmutableList<RiskRuleVersionView> Versions, int? LiveVersion, bool Disabled,
    ImmutableList<RiskRuleAuditEntry> Audit, DateTimeOffset UpdatedAt)
{
    public RiskRuleVersionView Latest => Versions[^1];
    public RiskRuleVersionView? Live => LiveVersion is { } v ? Versions[v - 1] : null;
    public string Status => Disabled ? "disabled" : LiveVersion is null ? "draft" : "live";

    public static RiskRule? Fold(RiskRule? state, object e) => (state, e) switch
    {
        (null, RiskRuleDrafted d) => new RiskRule(d.RuleId, [Version(d)], null, false, [new(d.DraftedAt, d.By, "drafted", d.Version)], d.DraftedAt),
        (null, _) => null,
        ({ } r, RiskRuleDrafted d) => r with { Versions = r.Versions.Add(Version(d)), Audit = r.Audit.Add(new(d.DraftedAt, d.By, "drafted", d.Version)), UpdatedAt = d.DraftedAt },
        ({ } r, RiskRuleApproved a) => r with
        {
            Versions = r.Versions.SetItem(a.Version - 1, r.Versions[a.Version - 1] with { ApprovedBy = a.By, ApprovedAt = a.ApprovedAt }),
            LiveVersion = a.Version, Disabled = false, Audit = r.Audit.Add(new(a.ApprovedAt, a.By, "approved", a.Version)), UpdatedAt = a.ApprovedAt,
        },
        ({ } r, RiskRuleDisabled x) => r with { Disabled = true, Audit = r.Audit.Add(new(x.DisabledAt, x.By, "disabled", r.LiveVersion)), UpdatedAt = x.DisabledAt },
        ({ } r, _) => r,
    };

    static RiskRuleVersionView Version(RiskRuleDrafted d) => new(d.Version, d.Definition, d.By, d.DraftedAt, null, null, "draft");

    public RiskRuleView View() => new(Id, Latest.Definition.Name, Status, LiveVersion,
        [.. Versions.Select(v => v with { Status = v.Version == LiveVersion ? (Disabled ? "disabled" : "live") : v.ApprovedBy is null ? (v.Version == Latest.Version ? "pending" : "superseded") : "superseded" })],
        [.. Audit]);

    public RiskRuleListing Listing() => new()
    {
        Id = Id, Name = Latest.Definition.Name, Status = Status, LiveVersion = LiveVersion, Live = Live?.Definition,
        LatestVersion = Latest.Version, LatestAction = Latest.Definition.Action, Pending = Latest.ApprovedBy is null, UpdatedAt = UpdatedAt,
    };
}

/// <summary>The rule's decisions: pure, from state and command to events, or a refusal.</summary>
public static class RiskRuleDecisions
{
    public const string SecondApprover = "A second person must approve this rule before it can block or review: not the one who drafted it.";

    public static Decided Draft(RiskRule? state, string ruleId, RiskRuleDefinition definition, string by, DateTimeOffset now) =>
        Decided.To(new RiskRuleDrafted(ruleId, (state?.Versions.Count ?? 0) + 1, definition, by, now));

    public static Decided Approve(RiskRule state, int version, string by, DateTimeOffset now)
    {
        if (version != state.Latest.Version) return Refusal.Conflict($"Only the latest version ({state.Latest.Version}) can be approved.");
        if (state.LiveVersion == version && !state.Disabled) return Decided.Nothing;
        var drafted = state.Latest;
        if (drafted.Definition.Action != RiskActions.Shadow && drafted.DraftedBy == by) return Refusal.Forbidden(SecondApprover);
        return Decided.To(new RiskRuleApproved(state.Id, version, by, now));
    }

    public static Decided Disable(RiskRule state, string by, DateTimeOffset now) =>
        state.Status != "live" ? Decided.Nothing : Decided.To(new RiskRuleDisabled(state.Id, by, now));
}
