using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

/// <summary>Terminals belong to merchants, and card payments post to the merchant's receivable, also after a terminal moves.</summary>
[Collection(SharedApp.Name)]
public sealed class MerchantSpecs(SceneApp app)
{
    IGrainFactory Grains => app.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task A_terminal_created_without_a_merchant_belongs_to_the_tenant_s_first_merchant_which_exists_then()
    {
        var s = await Scenario.Start(app);
        var terminal = await s.Terminal();
        Assert.Equal(MerchantIds.DefaultId(s.TenantId), terminal.MerchantId);
        var merchant = await Grains.GetGrain<IMerchantGrain>(GrainKeys.For(s.TenantId, terminal.MerchantId)).Get();
        Assert.Equal(("active", MerchantCategories.Canteen), (merchant!.Status, merchant.Category));
        var read = (await s.Api.Get($"{s.Base}/terminals/{terminal.Id}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(terminal.MerchantId, read["merchantId"].GetValue<string>());
    }

    [Fact]
    public async Task Payments_post_to_the_merchant_the_terminal_belongs_to_at_the_time()
    {
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 10_000);
        var terminal = await s.Terminal();
        var stall = Ids.New("mch");
        var now = DateTimeOffset.UtcNow;
        Assert.Null((await Grains.GetGrain<IMerchantGrain>(GrainKeys.For(s.TenantId, stall)).Open("2号档口 Stall 2", MerchantCategories.Canteen, now)).Refusal);

        (await s.Api.Pay(terminal, card, 700)).Expect(HttpStatusCode.OK);
        var moved = await Grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(s.TenantId, terminal.Id)).MoveTo(stall, now);
        Assert.Equal(stall, moved.Value!.MerchantId);
        (await s.Api.Pay(terminal, card, 300)).Expect(HttpStatusCode.OK);

        var tb = await s.TrialBalance();
        long Balance(string account) => tb["accounts"]!.AsArray().Single(a => a!["account"]!.GetValue<string>() == account)!["balance"]!.GetValue<long>();
        Assert.Equal(-700, Balance($"merchant-receivable:{terminal.MerchantId}"));
        Assert.Equal(-300, Balance($"merchant-receivable:{stall}"));
    }

    [Fact]
    public async Task A_terminal_cannot_join_a_closed_or_unknown_merchant()
    {
        var s = await Scenario.Start(app);
        var terminal = await s.Terminal();
        var now = DateTimeOffset.UtcNow;
        var closed = Ids.New("mch");
        var merchant = Grains.GetGrain<IMerchantGrain>(GrainKeys.For(s.TenantId, closed));
        await merchant.Open("Closed shop", MerchantCategories.Shop, now);
        await merchant.Close(now);
        var move = Grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(s.TenantId, terminal.Id));
        Assert.Equal("conflict", (await move.MoveTo(closed, now)).Refusal?.Code);
        Assert.Equal("validation_failed", (await move.MoveTo(Ids.New("mch"), now)).Refusal?.Code);
        (await s.Api.Post($"{s.Base}/terminals", new { name = "Till", kind = "pos", merchantId = closed }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.Conflict, "conflict");
    }
}
