using SceneFinance.BackOffice.Reconciling;

namespace SceneFinance.Tests.Settling;

/// <summary>Reconciliation's matching rules, each on its own.</summary>
public sealed class MatchingTests
{
    static readonly DateOnly Day = new(2026, 9, 1);

    [Fact]
    public void Each_kind_of_channel_difference_is_found_and_a_match_is_not()
    {
        OurMovement Ours(string order, long amount) => new("alipay", "payment", order, null, amount);
        TheirMovement Theirs(string order, long amount, DateOnly? day = null) => new("alipay", "payment", order, null, amount, day ?? Day);
        var differences = Matching.Channel(
            [Ours("A1", 100), Ours("A2", 200), Ours("A3", 300), Ours("A4", 400), Ours("A6", 600)],
            [Theirs("A1", 100), Theirs("A3", 301), Theirs("A4", 400), Theirs("A4", 400), Theirs("A5", 500), Theirs("A6", 600, Day.AddDays(-2))],
            Day);
        Assert.Equal(
            [("duplicate", "payment:A4"), ("missing_at_channel", "payment:A2"), ("amount_differs", "payment:A3"), ("late", "payment:A6"), ("missing_here", "payment:A5")],
            differences.Select(d => (d.Kind, d.Subject)));
    }

    [Fact]
    public void A_till_s_summary_is_matched_with_its_recorded_taps_and_late_uploads_explain_a_difference()
    {
        Assert.Null(Matching.Till(new TillComparison("term_1", 3, 900, 3, 900, 0, 0), Day));
        Assert.Equal("late", Matching.Till(new TillComparison("term_1", 5, 1_500, 3, 900, 2, 600), Day)!.Kind);
        Assert.Equal("missing_here", Matching.Till(new TillComparison("term_1", 5, 1_500, 3, 900, 0, 0), Day)!.Kind);
        Assert.Equal("missing_at_channel", Matching.Till(new TillComparison("term_1", 2, 600, 3, 900, 0, 0), Day)!.Kind);
        Assert.Equal("amount_differs", Matching.Till(new TillComparison("term_1", 3, 1_000, 3, 900, 0, 0), Day)!.Kind);
    }

    [Fact]
    public void An_adjustment_needs_a_second_person_and_posts_a_balanced_correction_naming_the_day()
    {
        var now = DateTimeOffset.UtcNow;
        var raised = ReconciliationException.Fold(null, new ExceptionRaised("rex_1", Day, "missing_here", "alipay", "payment:A5", null, 500, "x", now))!;
        var proposed = ExceptionDecisions.Propose(raised, "clearing:alipay", "suspense:reconciliation", 500, "channel took it; refund the payer", "ops1", now)
            .Events.Aggregate<object, ReconciliationException?>(raised, ReconciliationException.Fold)!;
        Assert.Equal(ExceptionStatus.AwaitingApproval, proposed.Status);
        Assert.True(ExceptionDecisions.Approve(proposed, "ops1", now).Refused);
        Assert.True(ExceptionDecisions.Resolve(proposed, "explained", "ops2", now).Refused);
        var approved = ExceptionDecisions.Approve(proposed, "ops2", now).Event<AdjustmentApproved>()!;
        Assert.Equal(Day, approved.CorrectsDay);
        Assert.Equal(approved.Postings.Sum(p => p.Debit), approved.Postings.Sum(p => p.Credit));
        var resolved = ReconciliationException.Fold(proposed, approved)!;
        Assert.Equal(ExceptionStatus.Resolved, resolved.Status);
        Assert.True(ExceptionDecisions.Assign(resolved, "ops3", "ops1", now).Refused);
        Assert.Empty(ExceptionDecisions.Raise(resolved, new ExceptionRaised("rex_1", Day, "missing_here", "alipay", "payment:A5", null, 500, "x", now)).Events);
    }
}
