using System.Security.Claims;
using Marten;
using Quartz;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Risk;

/// <summary>A rule in the list: its live version and action, and whether a newer version waits for approval.</summary>
public sealed record RiskRuleSummary(string Id, string Name, string Status, int? LiveVersion, string? LiveAction, int LatestVersion, string LatestAction, bool Pending, DateTimeOffset UpdatedAt);

public sealed record RiskRulePage(IReadOnlyList<RiskRuleSummary> Items, long Total);

public sealed record BacktestRequest(RiskRuleDefinition? Rule, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>A backtest: its progress, and what the rule would have fired on (taps, holders, fen) with a sample.</summary>
public sealed record BacktestView(
    string Id, RiskRuleDefinition Rule, DateTimeOffset From, DateTimeOffset To, string Status, int Percent, long Processed, long Total,
    long Taps, long Holders, long Amount, IReadOnlyList<BacktestSample> Sample, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, string? Error);

/// <summary>A tap rules or lists fired on, explained: the rules, their versions and the values (the card by its last 4 only).</summary>
public sealed record RiskInterceptionView(
    string PaymentId, string CardHolderId, string CardLast4, string TerminalId, long Amount, DateTimeOffset OccurredAt, DateTimeOffset DecidedAt,
    string Outcome, string Status, string? DeclineCode, IReadOnlyList<RiskHit> Hits)
{
    public static RiskInterceptionView Of(RiskInterception i) =>
        new(i.Id, i.CardHolderId, i.CardLast4, i.TerminalId, i.Amount, i.OccurredAt, i.DecidedAt, i.Outcome, i.Status, i.DeclineCode, i.Hits);
}

public sealed record RiskInterceptionPage(IReadOnlyList<RiskInterceptionView> Items, long Total);

/// <summary>Rules (drafts, versions, second approval), backtests and interceptions: the slice functions of API and shell.</summary>
public static class RiskRules
{
    static IRiskRuleGrain Rule(IGrainFactory grains, string tenantId, string ruleId) => grains.GetGrain<IRiskRuleGrain>(GrainKeys.For(tenantId, ruleId));
    static string Who(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    public static async Task<RiskRulePage> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var total = await session.Query<RiskRuleListing>().CountAsync();
        var rows = await session.Query<RiskRuleListing>().OrderBy(r => r.Name).Skip(Math.Max(0, page) * size).Take(Math.Clamp(size, 1, 500)).ToListAsync();
        return new RiskRulePage([.. rows.Select(r => new RiskRuleSummary(r.Id, r.Name, r.Status, r.LiveVersion, r.Live?.Action, r.LatestVersion, r.LatestAction, r.Pending, r.UpdatedAt))], total);
    }

    public static async Task<Outcome<RiskRuleView>> Get(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string ruleId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await Rule(grains, tenantId, ruleId).Get() is { } view ? view : Refusal.NotFound("The rule");
    }

    /// <summary>A new rule, its first version waiting for approval.</summary>
    public static async Task<Outcome<RiskRuleView>> Create(ClaimsPrincipal user, IGrainFactory grains, string tenantId, RiskRuleDefinition? body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        await grains.FindTenant(tenantId).OrThrow();
        RiskRuleDefinition.Validate(new Validation(), body).ThrowIfInvalid();
        return await Rule(grains, tenantId, Ids.New("rul")).Draft(Trimmed(body!), Who(user), now);
    }

    /// <summary>A new version of a rule; the live one stays live until this one is approved.</summary>
    public static async Task<Outcome<RiskRuleView>> Revise(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string ruleId, RiskRuleDefinition? body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        RiskRuleDefinition.Validate(new Validation(), body).ThrowIfInvalid();
        if (await Rule(grains, tenantId, ruleId).Get() is null) return Refusal.NotFound("The rule");
        return await Rule(grains, tenantId, ruleId).Draft(Trimmed(body!), Who(user), now);
    }

    public static async Task<Outcome<RiskRuleView>> Approve(ClaimsPrincipal user, IGrainFactory grains, IRiskBook book, string tenantId, string ruleId, int version, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        var approved = await Rule(grains, tenantId, ruleId).Approve(version, Who(user), now);
        if (!approved.Refused) await book.Changed(tenantId);
        return approved;
    }

    public static async Task<Outcome<RiskRuleView>> Disable(ClaimsPrincipal user, IGrainFactory grains, IRiskBook book, string tenantId, string ruleId, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        var disabled = await Rule(grains, tenantId, ruleId).Disable(Who(user), now);
        if (!disabled.Refused) await book.Changed(tenantId);
        return disabled;
    }

    static RiskRuleDefinition Trimmed(RiskRuleDefinition d) => d with { Name = d.Name.Trim() };

    /// <summary>Queues a backtest of a draft rule over [from, to) and starts the job at once; its progress is read with <see cref="Backtest"/>.</summary>
    public static async Task<BacktestView> StartBacktest(ClaimsPrincipal user, IDocumentStore store, IScheduler scheduler, string tenantId, BacktestRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        var v = RiskRuleDefinition.Validate(new Validation(), body.Rule, "rule.")
            .Require(body.From is not null && body.To is not null && body.From < body.To, "to", "from and to must be given, from before to.")
            .Require(body.To is null || body.From is null || body.To - body.From <= TimeSpan.FromDays(92), "to", "A backtest covers at most 92 days.");
        v.ThrowIfInvalid();
        var backtest = new RiskBacktest
        {
            Id = Ids.New("bkt"), TenantId = tenantId, Rule = body.Rule!, From = body.From!.Value, To = body.To!.Value, RequestedBy = Who(user), RequestedAt = now,
        };
        await using (var session = store.LightweightSession(tenantId))
        {
            session.Store(backtest);
            await session.SaveChangesAsync();
        }
        await scheduler.TriggerJob(new JobKey("risk-backtests", "risk")); // at once; the job also looks every 10 s
        return View(backtest);
    }

    public static async Task<Outcome<BacktestView>> Backtest(ClaimsPrincipal user, IDocumentStore store, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<RiskBacktest>(id) is { } b ? View(b) : Refusal.NotFound("The backtest");
    }

    static BacktestView View(RiskBacktest b) => new(b.Id, b.Rule, b.From, b.To, b.Status, b.Percent, b.Processed, b.Total, b.Taps, b.Holders, b.Amount,
        b.Sample, b.RequestedBy, b.RequestedAt, b.FinishedAt, b.Error);

    /// <summary>Taps rules or lists fired on, newest first; by rule, holder or outcome.</summary>
    public static async Task<RiskInterceptionPage> Interceptions(ClaimsPrincipal user, IDocumentStore store, string tenantId,
        string? ruleId, string? cardHolderId, string? outcome, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<RiskInterception>().Where(i =>
            (ruleId == null || i.RuleIds.Contains(ruleId)) && (cardHolderId == null || i.CardHolderId == cardHolderId) && (outcome == null || i.Outcome == outcome));
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(i => i.DecidedAt).Skip(Math.Max(0, page) * size).Take(Math.Clamp(size, 1, 500)).ToListAsync();
        return new RiskInterceptionPage([.. rows.Select(RiskInterceptionView.Of)], total);
    }
}
