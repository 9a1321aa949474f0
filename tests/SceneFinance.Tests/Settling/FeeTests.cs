using SceneFinance.BackOffice.Settling;

namespace SceneFinance.Tests.Settling;

/// <summary>The fee rule: half up to the fen, on the day's gross or (with a per-payment minimum) per payment, then the day's minimum.</summary>
public sealed class FeeTests
{
    [Theory]
    [InlineData(10_000, 60, 60)]      // 100 yuan at 0.6 %: 60 fen
    [InlineData(83, 60, 0)]           // 0.498 fen: down
    [InlineData(84, 60, 1)]           // 0.504 fen: up
    [InlineData(250, 20, 1)]          // exactly 0.5 fen: half up
    [InlineData(249, 20, 0)]
    [InlineData(0, 60, 0)]
    [InlineData(100_000_000, 10_000, 100_000_000)] // 100 %: the whole amount
    public void A_rate_is_rounded_half_up_to_the_fen(long fen, int bp, long expected) => Assert.Equal(expected, Fees.Rate(fen, bp));

    [Fact]
    public void Without_a_per_payment_minimum_the_rate_applies_to_the_day_s_gross_once()
    {
        // Three payments of 0.3 fen each would round to 0 one by one; on the day's gross they make 1 fen.
        Assert.Equal(1, Fees.For(new FeeSchedule(60), [50, 50, 50]));
        Assert.Equal(0, Fees.For(new FeeSchedule(60), []));
    }

    [Fact]
    public void A_per_payment_minimum_rounds_each_payment_and_raises_it_to_the_minimum()
    {
        var schedule = new FeeSchedule(60, MinPerTransaction: 5);
        // 800 fen → 4.8 → 5 (rate); 100 fen → 0.6 → 1, raised to 5; 10,000 fen → 60.
        Assert.Equal(5 + 5 + 60, Fees.For(schedule, [800, 100, 10_000]));
    }

    [Fact]
    public void A_per_settlement_minimum_raises_a_day_with_payments_only()
    {
        var schedule = new FeeSchedule(30, MinPerSettlement: 200);
        Assert.Equal(200, Fees.For(schedule, [1_000]));        // 3 fen, raised to 2 yuan
        Assert.Equal(300, Fees.For(schedule, [100_000]));      // 3 yuan: above the minimum
        Assert.Equal(0, Fees.For(schedule, []));               // nothing taken: nothing charged
    }
}
