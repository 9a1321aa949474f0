using SceneFinance.Scenes.Hospital.Withholding;
using D = SceneFinance.Scenes.Hospital.Withholding.WithholdingDecisions;

namespace SceneFinance.Tests.Hospital;

/// <summary>A patient's withholding agreement, Given (events) / When (command) / Then (events or refusal), without Orleans or a database.</summary>
public sealed class WithholdingDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    static WithholdingAgreement? Given(params object[] events) => events.Aggregate((WithholdingAgreement?)null, WithholdingAgreement.Fold);

    static WithholdingOffered Offered(string id = "wha_1", string channel = "wechat-pay") => new("ch_p", id, channel, "SFC" + id, "hospital:finance", Now);

    [Fact]
    public void An_offer_is_pending_until_the_channel_says_it_was_signed_then_active_since_then()
    {
        var offered = D.Offer(Given(), "ch_p", "wha_1", "wechat-pay", "SFCwha_1", "hospital:finance", Now);
        var s = Given([.. offered.Events]);
        Assert.Equal((AgreementStates.Pending, "wechat-pay"), (s!.Status, s.Channel));
        var signed = D.Sign(s, "wha_1", "c-1", Now.AddMinutes(1));
        Assert.IsType<WithholdingSigned>(Assert.Single(signed.Events));
        s = Given([.. offered.Events, .. signed.Events]);
        Assert.Equal((AgreementStates.Active, Now.AddMinutes(1)), (s!.Status, s.SignedAt));
        Assert.Empty(D.Sign(s, "wha_1", "c-1", Now.AddMinutes(2)).Events); // the notification again changes nothing
    }

    [Fact]
    public void A_second_offer_while_one_is_active_is_refused_and_the_same_pending_one_is_offered_again()
    {
        var active = Given(Offered(), new WithholdingSigned("ch_p", "wha_1", "c-1", Now));
        Assert.Equal(D.AgreementActive, D.Offer(active, "ch_p", "wha_2", "alipay", "SFCwha_2", "x", Now).Refusal!.Code);
        var pending = Given(Offered());
        Assert.Empty(D.Offer(pending, "ch_p", "wha_2", "wechat-pay", "SFCwha_2", "x", Now).Events);
        // Another channel replaces the pending one: a late signature of the old one activates nothing.
        var replaced = D.Offer(pending, "ch_p", "wha_2", "alipay", "SFCwha_2", "x", Now);
        Assert.Collection(replaced.Events, e => Assert.IsType<WithholdingCanceled>(e), e => Assert.IsType<WithholdingOffered>(e));
        var s = Given([Offered(), .. replaced.Events]);
        Assert.Equal(("wha_2", AgreementStates.Pending), (s!.AgreementId, s.Status));
        Assert.Empty(D.Sign(s, "wha_1", "c-old", Now).Events);
    }

    [Fact]
    public void Canceling_ends_the_current_agreement_once_and_a_canceled_one_may_be_followed_by_a_new_offer()
    {
        Assert.Equal("not_found", D.Cancel(Given(), null, "hospital:finance", "asked", Now).Refusal!.Code);
        var active = Given(Offered(), new WithholdingSigned("ch_p", "wha_1", "c-1", Now));
        var canceled = Assert.IsType<WithholdingCanceled>(Assert.Single(D.Cancel(active, null, "hospital:finance", "patient asked", Now).Events));
        var s = Given(Offered(), new WithholdingSigned("ch_p", "wha_1", "c-1", Now), canceled);
        Assert.Equal((AgreementStates.Canceled, "hospital:finance"), (s!.Status, s.CanceledBy));
        Assert.Empty(D.Cancel(s, "wha_1", "channel", "ended at the channel", Now).Events); // the channel's own word on it afterwards
        Assert.Empty(D.Sign(s, "wha_1", "c-1", Now).Events);
        Assert.IsType<WithholdingOffered>(Assert.Single(D.Offer(s, "ch_p", "wha_2", "wechat-pay", "SFCwha_2", "x", Now).Events));
    }
}
