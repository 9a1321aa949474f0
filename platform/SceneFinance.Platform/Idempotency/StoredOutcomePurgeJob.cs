using System.Linq.Expressions;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace SceneFinance.Platform.Idempotency;

/// <summary>
/// Forgets the stored outcomes to money-moving requests once they are older than the retention
/// (<c>SceneFinance:Idempotency:RetentionDays</c>, default 7; the contract promises at least 24 h), except the scopes a module
/// keeps longer (<see cref="StoredOutcomeRetention"/>: terminal payments, which offline tills may upload again for a month).
/// The movements themselves stay in their streams forever.
/// </summary>
[DisallowConcurrentExecution]
public sealed class StoredOutcomePurgeJob(IDocumentStore store, IConfiguration configuration, IOptions<StoredOutcomeRetention> retention, TimeProvider clock,
    ILogger<StoredOutcomePurgeJob> log) : IJob
{
    public static readonly JobKey Key = new("stored-outcome-purge", "platform");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var general = TimeSpan.FromDays(Math.Max(1, configuration.GetValue("SceneFinance:Idempotency:RetentionDays", 7)));
        var now = clock.GetUtcNow();
        var longer = retention.Value.Rules.Where(r => r.Keep > general).ToList();
        var cutoff = now - general;
        Expression<Func<IdempotentResponse, bool>> old = x => x.AnyTenant() && x.CreatedAt < cutoff;
        foreach (var (prefix, _) in longer) old = old.And(x => !x.Id.StartsWith(prefix));
        await using var session = store.LightweightSession();
        session.DeleteWhere(old);
        foreach (var (prefix, keep) in longer)
        {
            var kept = now - keep;
            session.DeleteWhere<IdempotentResponse>(x => x.AnyTenant() && x.Id.StartsWith(prefix) && x.CreatedAt < kept);
        }
        await session.SaveChangesAsync(ct);
        log.LogInformation("Purged stored outcomes older than {Cutoff:u} ({Longer} scopes kept longer)", cutoff, longer.Count);
    }
}

/// <summary>
/// Scopes of stored outcomes kept longer than the general retention: a module whose clients may send a request again later
/// than that (an offline till's upload) names the id prefix of its tickets and how long they must be kept.
/// </summary>
public sealed class StoredOutcomeRetention
{
    readonly List<(string Prefix, TimeSpan Keep)> _rules = [];

    public IReadOnlyList<(string Prefix, TimeSpan Keep)> Rules => _rules;

    public StoredOutcomeRetention KeepAtLeast(string idPrefix, TimeSpan keep)
    {
        _rules.Add((idPrefix, keep));
        return this;
    }
}

static class Predicates
{
    /// <summary>Both conditions, over one parameter (so the query translator sees one plain expression).</summary>
    public static Expression<Func<T, bool>> And<T>(this Expression<Func<T, bool>> left, Expression<Func<T, bool>> right)
    {
        var body = new Rebind(right.Parameters[0], left.Parameters[0]).Visit(right.Body)!;
        return Expression.Lambda<Func<T, bool>>(Expression.AndAlso(left.Body, body), left.Parameters);
    }

    sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
