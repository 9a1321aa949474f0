using SceneFinance.Grains.Merchants;

namespace SceneFinance.Tests.Grains;

public sealed class MerchantDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 1, 4, 0, 0, TimeSpan.Zero);
    static Merchant Opened() => Merchant.Fold(null, new MerchantOpened("mch_1", "一食堂 Canteen 1", "canteen", Now))!;

    [Fact]
    public void Opening_twice_is_refused_renaming_to_the_same_name_records_nothing_and_a_closed_merchant_is_not_renamed()
    {
        Assert.True(MerchantDecisions.Open(Opened(), "mch_1", "x", "canteen", Now).Refused);
        Assert.Empty(MerchantDecisions.Rename(Opened(), "一食堂 Canteen 1", Now).Events);
        var renamed = Merchant.Fold(Opened(), Assert.Single(MerchantDecisions.Rename(Opened(), "二食堂", Now).Events))!;
        Assert.Equal("二食堂", renamed.Name);
        var closed = Merchant.Fold(renamed, Assert.Single(MerchantDecisions.Close(renamed, Now).Events))!;
        Assert.Equal("closed", closed.View().Status);
        Assert.Empty(MerchantDecisions.Close(closed, Now).Events);
        Assert.True(MerchantDecisions.Rename(closed, "三食堂", Now).Refused);
    }
}
