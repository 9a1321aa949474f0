using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.BackOffice.Reconciling;

/// <summary>One reconciliation exception: its stream through the single writer, its listing following every change.</summary>
public sealed class ReconciliationExceptionGrain(StreamWriters writers) : Grain, IReconciliationExceptionGrain
{
    StreamWriter<ReconciliationException> _exception = null!;
    string _tenantId = "", _id = "";

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _exception = writers.For<ReconciliationException>(_tenantId, $"reconciliation-exception-{_tenantId}-{_id}", ReconciliationException.Fold,
            Refusal.NotFound("The reconciliation exception"), (next, d) => d.Upsert(ExceptionListing.Of(_tenantId, View(next))));
        return _exception.Load(ct);
    }

    async Task<ExceptionView> IReconciliationExceptionGrain.Raise(DateOnly day, Difference d, DateTimeOffset now)
    {
        var raised = new ExceptionRaised(_id, day, d.Kind, d.Source, d.Subject, d.Ours, d.Theirs, d.Detail, now);
        var outcome = await _exception.Start(s => ExceptionDecisions.Raise(s, raised), (next, _) => View(next));
        return outcome.Value ?? View(_exception.State!);
    }

    Task<ExceptionView?> IReconciliationExceptionGrain.Get() => Task.FromResult(_exception.State is { } s ? View(s) : null);

    Task<Outcome<ExceptionView>> IReconciliationExceptionGrain.Assign(string assignee, string by, DateTimeOffset now) =>
        _exception.Write(s => ExceptionDecisions.Assign(s, assignee, by, now), View);

    Task<Outcome<ExceptionView>> IReconciliationExceptionGrain.Comment(string text, string by, DateTimeOffset now) =>
        _exception.Write(s => ExceptionDecisions.Comment(s, text, by, now), View);

    Task<Outcome<ExceptionView>> IReconciliationExceptionGrain.Resolve(string reason, string by, DateTimeOffset now) =>
        _exception.Write(s => ExceptionDecisions.Resolve(s, reason, by, now), View);

    Task<Outcome<ExceptionView>> IReconciliationExceptionGrain.ProposeAdjustment(string debitAccount, string creditAccount, long amount, string memo, string by, DateTimeOffset now) =>
        _exception.Write(s => ExceptionDecisions.Propose(s, debitAccount, creditAccount, amount, memo, by, now), View);

    Task<Outcome<ExceptionView>> IReconciliationExceptionGrain.ApproveAdjustment(string by, IdempotencyTicket ticket, DateTimeOffset now) =>
        _exception.Write(s => ExceptionDecisions.Approve(s, by, now), View, ticket, now);

    static ExceptionView View(ReconciliationException s) => new(s.Id, s.Day, s.Kind, s.Source, s.Subject, s.Ours, s.Theirs, s.Detail, s.Status,
        s.Assignee, s.Comments, s.Adjustment, s.Resolution, s.ResolvedBy, s.RaisedAt, s.UpdatedAt);
}

/// <summary>An exception for lists (per tenant; id <c>"{tenantId}:{exceptionId}"</c>), rewritten with every change.</summary>
public sealed class ExceptionListing
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public DateOnly Day { get; set; }
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "";
    public ExceptionView View { get; set; } = null!;
    public DateTimeOffset RaisedAt { get; set; }

    public static ExceptionListing Of(string tenantId, ExceptionView v) => new()
    {
        Id = $"{tenantId}:{v.Id}", TenantId = tenantId, Day = v.Day, Kind = v.Kind, Status = v.Status, View = v, RaisedAt = v.RaisedAt,
    };
}
