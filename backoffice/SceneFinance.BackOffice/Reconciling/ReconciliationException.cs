using System.Collections.Immutable;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Storage;

namespace SceneFinance.BackOffice.Reconciling;

// A reconciliation exception's stream: raised once, then assigned, commented, resolved with a reason, or resolved by a ledger
// adjustment that a second person approved.

public sealed record ExceptionRaised(string ExceptionId, DateOnly Day, string Kind, string Source, string Subject, long? Ours, long? Theirs, string Detail, DateTimeOffset RaisedAt);
public sealed record ExceptionAssigned(string ExceptionId, string Assignee, string By, DateTimeOffset AssignedAt);
public sealed record ExceptionCommented(string ExceptionId, string Text, string By, DateTimeOffset CommentedAt);
public sealed record ExceptionResolved(string ExceptionId, string Reason, string By, DateTimeOffset ResolvedAt);
public sealed record AdjustmentProposed(string ExceptionId, string DebitAccount, string CreditAccount, long Amount, string Memo, string By, DateTimeOffset ProposedAt);

/// <summary>
/// The adjustment a second person approved: a new entry in the open business day that names what it corrects (the exception,
/// and the day it was found in). A closed day's figures never change; this is how a difference is put right.
/// </summary>
public sealed record AdjustmentApproved(
    string ExceptionId, DateOnly CorrectsDay, string DebitAccount, string CreditAccount, long Amount, string Memo, string ProposedBy,
    string By, DateTimeOffset ApprovedAt, IReadOnlyList<Posting> Postings) : IJournalled;

public static class ExceptionStatus
{
    public const string Open = "open";
    public const string Assigned = "assigned";
    public const string AwaitingApproval = "awaiting_approval";
    public const string Resolved = "resolved";
}

[GenerateSerializer, Immutable]
public sealed record ExceptionComment([property: Id(0)] string By, [property: Id(1)] string Text, [property: Id(2)] DateTimeOffset At);

[GenerateSerializer, Immutable]
public sealed record Adjustment(
    [property: Id(0)] string DebitAccount, [property: Id(1)] string CreditAccount, [property: Id(2)] long Amount, [property: Id(3)] string Memo,
    [property: Id(4)] string ProposedBy, [property: Id(5)] string? ApprovedBy = null);

public sealed record ReconciliationException(
    string Id, DateOnly Day, string Kind, string Source, string Subject, long? Ours, long? Theirs, string Detail, string Status,
    string? Assignee, ImmutableList<ExceptionComment> Comments, Adjustment? Adjustment, string? Resolution, string? ResolvedBy,
    DateTimeOffset RaisedAt, DateTimeOffset UpdatedAt)
{
    public static ReconciliationException? Fold(ReconciliationException? state, object e) => (state, e) switch
    {
        (null, ExceptionRaised r) => new(r.ExceptionId, r.Day, r.Kind, r.Source, r.Subject, r.Ours, r.Theirs, r.Detail, ExceptionStatus.Open, null, [], null, null, null, r.RaisedAt, r.RaisedAt),
        (null, _) => null,
        ({ } s, ExceptionAssigned a) => s with { Assignee = a.Assignee, Status = s.Adjustment is null ? ExceptionStatus.Assigned : s.Status, UpdatedAt = a.AssignedAt },
        ({ } s, ExceptionCommented c) => s with { Comments = s.Comments.Add(new ExceptionComment(c.By, c.Text, c.CommentedAt)), UpdatedAt = c.CommentedAt },
        ({ } s, ExceptionResolved r) => s with { Status = ExceptionStatus.Resolved, Resolution = r.Reason, ResolvedBy = r.By, UpdatedAt = r.ResolvedAt },
        ({ } s, AdjustmentProposed p) => s with { Status = ExceptionStatus.AwaitingApproval, Adjustment = new Adjustment(p.DebitAccount, p.CreditAccount, p.Amount, p.Memo, p.By), UpdatedAt = p.ProposedAt },
        ({ } s, AdjustmentApproved a) => s with
        {
            Status = ExceptionStatus.Resolved, Adjustment = s.Adjustment! with { ApprovedBy = a.By }, Resolution = a.Memo, ResolvedBy = a.By, UpdatedAt = a.ApprovedAt,
        },
        ({ } s, _) => s,
    };
}

/// <summary>The exception's decisions: pure functions from state and command to events, or a refusal.</summary>
public static class ExceptionDecisions
{
    static readonly Refusal AlreadyResolved = Refusal.Conflict("This exception is resolved.");

    public static Decided Raise(ReconciliationException? s, ExceptionRaised raised) => s is null ? Decided.To(raised) : Decided.Nothing;

    public static Decided Assign(ReconciliationException s, string assignee, string by, DateTimeOffset now) =>
        s.Status == ExceptionStatus.Resolved ? AlreadyResolved
        : s.Assignee == assignee ? Decided.Nothing
        : Decided.To(new ExceptionAssigned(s.Id, assignee, by, now));

    public static Decided Comment(ReconciliationException s, string text, string by, DateTimeOffset now) =>
        Decided.To(new ExceptionCommented(s.Id, text, by, now));

    /// <summary>Resolved by explanation (a timing difference, the channel's error it corrects itself): no money moves.</summary>
    public static Decided Resolve(ReconciliationException s, string reason, string by, DateTimeOffset now) =>
        s.Status == ExceptionStatus.Resolved ? AlreadyResolved
        : s.Status == ExceptionStatus.AwaitingApproval ? Refusal.Conflict("An adjustment awaits approval: approve it, or resolve after it is decided.")
        : Decided.To(new ExceptionResolved(s.Id, reason, by, now));

    public static Decided Propose(ReconciliationException s, string debit, string credit, long amount, string memo, string by, DateTimeOffset now) =>
        s.Status == ExceptionStatus.Resolved ? AlreadyResolved
        : s.Status == ExceptionStatus.AwaitingApproval ? Refusal.Conflict("An adjustment already awaits approval.")
        : debit == credit ? Refusal.Invalid("creditAccount", "The credit account must differ from the debit account.")
        : Decided.To(new AdjustmentProposed(s.Id, debit, credit, amount, memo, by, now));

    /// <summary>A second person approves: never the one who proposed it. The entry posts now, in the open day.</summary>
    public static Decided Approve(ReconciliationException s, string by, DateTimeOffset now) => s switch
    {
        { Status: ExceptionStatus.Resolved } => AlreadyResolved,
        { Adjustment: null } or { Status: not ExceptionStatus.AwaitingApproval } => Refusal.Conflict("No adjustment awaits approval."),
        { Adjustment: { } a } when a.ProposedBy == by => Refusal.Forbidden("A second person must approve the adjustment: not the one who proposed it."),
        { Adjustment: { } a } => Decided.To(new AdjustmentApproved(s.Id, s.Day, a.DebitAccount, a.CreditAccount, a.Amount, a.Memo, a.ProposedBy, by, now,
            Journal.Transfer(a.DebitAccount, a.CreditAccount, a.Amount))),
    };
}
