using System.Collections.Immutable;
using SceneFinance.Scenes.Approving;
using SceneFinance.Scenes.Campus.Waiving;

namespace SceneFinance.Tests.Trust;

/// <summary>Given a request, when someone decides, then: the four-eyes rules without Orleans or a database.</summary>
public sealed class ApprovalDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly Actor Clerk = new("clerk", "Clerk"), Head = new("head", "Head");

    static Approval Pending() => Approval.Fold(null, new ApprovalRequested("apr_1", "campus-bill-cancel", "bill_1", 80_000, "cancel",
        ImmutableDictionary<string, string>.Empty, "Clerk", "clerk", Now))!;

    static Approval Then(Approval s, SceneFinance.Platform.Storage.Decided d) => d.Events.Aggregate(s, (a, e) => Approval.Fold(a, e)!);

    [Fact]
    public void The_asker_may_neither_approve_nor_reject_by_user_id_whatever_the_name()
    {
        Assert.Equal("second_approver_required", ApprovalDecisions.Approve(Pending(), Clerk, Now).Refusal?.Code);
        Assert.Equal("second_approver_required", ApprovalDecisions.Reject(Pending(), Clerk with { UserName = "Someone Else" }, Now).Refusal?.Code);
        Assert.Null(ApprovalDecisions.Approve(Pending(), new Actor("other", "Clerk"), Now).Refusal); // same name, another person
    }

    [Fact]
    public void Another_person_approves_once_and_a_rejection_after_it_is_refused()
    {
        var approved = Then(Pending(), ApprovalDecisions.Approve(Pending(), Head, Now));
        Assert.Equal((ApprovalStatus.Approved, "head"), (approved.Status, approved.DecidedById));
        Assert.Empty(ApprovalDecisions.Approve(approved, Head, Now).Events);
        Assert.Equal("conflict", ApprovalDecisions.Reject(approved, Head, Now).Refusal?.Code);
        var done = Then(approved, ApprovalDecisions.CarriedOut(approved, "cancelled", Now));
        Assert.Equal(ApprovalStatus.Done, done.Status);
        Assert.Equal("conflict", ApprovalDecisions.Reject(done, Head, Now).Refusal?.Code);
    }

    [Fact]
    public void A_rejected_request_is_never_approved_and_an_approval_that_cannot_be_done_lapses()
    {
        var rejected = Then(Pending(), ApprovalDecisions.Reject(Pending(), Head, Now));
        Assert.Equal(ApprovalStatus.Rejected, rejected.Status);
        Assert.Equal("conflict", ApprovalDecisions.Approve(rejected, Head, Now).Refusal?.Code);
        var approved = Then(Pending(), ApprovalDecisions.Approve(Pending(), Head, Now));
        var lapsed = Then(approved, ApprovalDecisions.Lapse(approved, SceneFinance.Platform.Outcomes.Refusal.Conflict("settled", "bill_settled"), Now));
        Assert.Equal(ApprovalStatus.Lapsed, lapsed.Status);
        Assert.Equal("conflict", ApprovalDecisions.Approve(lapsed, Head, Now).Refusal?.Code);
    }

    static WaiverState Waiver() => WaiverState.Fold(null, new WaiverRequested("wv_1", "bill_1", "0301", "waiver", 1_000, "hardship", "Clerk", "clerk", Now))!;

    [Fact]
    public void A_waiver_is_decided_once_by_someone_else()
    {
        Assert.Equal("second_approver_required", WaiverDecisions.Approve(Waiver(), new Decider("clerk", "CLERK"), Now).Refusal?.Code);
        var approved = WaiverDecisions.Approve(Waiver(), new Decider("head", "Head"), Now).Events.Aggregate(Waiver(), (w, e) => WaiverState.Fold(w, e)!);
        Assert.Equal((WaiverStatus.Approved, "head"), (approved.Status, approved.DecidedById));
        Assert.Equal("conflict", WaiverDecisions.Reject(approved, new Decider("boss", "Boss"), Now).Refusal?.Code);
        var rejected = WaiverDecisions.Reject(Waiver(), new Decider("boss", "Boss"), Now).Events.Aggregate(Waiver(), (w, e) => WaiverState.Fold(w, e)!);
        Assert.Equal("conflict", WaiverDecisions.Approve(rejected, new Decider("head", "Head"), Now).Refusal?.Code);
    }
}
