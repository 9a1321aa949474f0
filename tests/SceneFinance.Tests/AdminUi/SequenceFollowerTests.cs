using SceneFinance.AdminUi.Live;

namespace SceneFinance.Tests.AdminUi;

public sealed class SequenceFollowerTests
{
    static readonly DateTimeOffset T0 = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Numbers_in_order_are_each_new_once()
    {
        var f = new SequenceFollower(0, TimeSpan.FromSeconds(10));
        Assert.True(f.IsNew(1, T0));
        Assert.True(f.IsNew(2, T0));
        Assert.False(f.IsNew(2, T0));
        Assert.Empty(f.Gaps(T0));
        Assert.Equal(2, f.Last);
    }

    [Fact]
    public void A_number_committed_late_is_asked_for_again_and_counted_once()
    {
        var f = new SequenceFollower(10, TimeSpan.FromSeconds(10));
        Assert.True(f.IsNew(13, T0)); // 11 and 12 are still committing
        Assert.Equal([11L, 12L], f.Gaps(T0).Order());
        Assert.True(f.IsNew(12, T0.AddSeconds(1)));
        Assert.False(f.IsNew(12, T0.AddSeconds(1)));
        Assert.Equal([11L], f.Gaps(T0.AddSeconds(1)));
    }

    [Fact]
    public void A_number_that_never_shows_is_given_up_after_the_patience()
    {
        var f = new SequenceFollower(0, TimeSpan.FromSeconds(10));
        f.IsNew(2, T0); // 1 rolled back
        Assert.Equal([1L], f.Gaps(T0.AddSeconds(9)));
        Assert.Empty(f.Gaps(T0.AddSeconds(11)));
        Assert.False(f.IsNew(1, T0.AddSeconds(12))); // too late: not counted at all rather than twice
    }

    [Fact]
    public void A_huge_jump_is_not_waited_for_number_by_number()
    {
        var f = new SequenceFollower(0, TimeSpan.FromSeconds(10));
        Assert.True(f.IsNew(SequenceFollower.MaxGap + 5, T0));
        Assert.Empty(f.Gaps(T0));
    }
}
