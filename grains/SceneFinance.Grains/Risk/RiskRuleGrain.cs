using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.Risk;

/// <summary>One rule: its versions and approvals through the single writer; its listing (what the risk books load) follows every change.</summary>
public sealed class RiskRuleGrain(StreamWriters writers) : Grain, IRiskRuleGrain
{
    Orleans.Runtime.IGrainTimer? _forget; // a made-up id leaves memory a little later (UnknownIds)
    StreamWriter<RiskRule> _rule = null!;
    string _id = "";

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (var tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _rule = writers.For<RiskRule>(tenantId, "risk-rule-" + _id, RiskRule.Fold, Refusal.NotFound("The rule"), (next, d) => d.Upsert(next.Listing()));
        return _rule.Load(ct);
    }

    Task<Outcome<RiskRuleView>> IRiskRuleGrain.Draft(RiskRuleDefinition definition, string by, DateTimeOffset now) =>
        _rule.Start(s => RiskRuleDecisions.Draft(s, _id, definition, by, now), (next, _) => next.View());

    Task<Outcome<RiskRuleView>> IRiskRuleGrain.Approve(int version, string by, DateTimeOffset now) =>
        _rule.Write(s => RiskRuleDecisions.Approve(s, version, by, now), next => next.View());

    Task<Outcome<RiskRuleView>> IRiskRuleGrain.Disable(string by, DateTimeOffset now) =>
        _rule.Write(s => RiskRuleDecisions.Disable(s, by, now), next => next.View());

    Task<RiskRuleView?> IRiskRuleGrain.Get()
    {
        if (_rule.State is null) _forget = this.ForgetLater(_forget, () => _rule.State is null);
        return Task.FromResult(_rule.State?.View());
    }
}
