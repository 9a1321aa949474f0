using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Grains;

/// <summary>
/// Two silos that don't know each other (a split brain, or a duplicate activation during a failover)
/// both hold the same wallet. The expected stream version makes the loser reload and decide again:
/// the balance can never be spent twice.
/// </summary>
public sealed class DuplicateActivationTests : IAsyncLifetime
{
    readonly string _db = TestPostgres.NewDatabase("grains");
    InProcessTestCluster _a = null!, _b = null!;

    public async Task InitializeAsync()
    {
        _a = await Start(_db);
        _b = await Start(_db);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    static async Task<InProcessTestCluster> Start(string connectionString)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["ConnectionStrings:Postgres"] = connectionString;
            host.AddStorage();
            host.Services.AddSceneGrains();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    async Task<(string Tenant, string Key, string Card)> Wallet(long cash)
    {
        var tenant = Ids.New("tn");
        await _a.Client.GetGrain<ITenantGrain>(tenant).Create("Split brain school", "campus", DateTimeOffset.UtcNow);
        var holderId = Ids.New("ch");
        var key = GrainKeys.For(tenant, holderId);
        var card = Scenario.NewCardNumber();
        var holder = _a.Client.GetGrain<ICardHolderGrain>(key);
        await holder.Register(new RegisterCardHolder("E" + holderId[^6..], "Han Meimei", "student", card, null, null, null, DateTimeOffset.UtcNow));
        await holder.TopUp(new TopUpCard(Ids.New("tu"), cash, "counter", "cash", IdempotencyTicket.For("tenant", Guid.NewGuid().ToString(), "t"), DateTimeOffset.UtcNow));
        return (tenant, key, card);
    }

    static async Task<JsonElement> Pay(InProcessTestCluster cluster, string key, string card, long amount)
    {
        var now = DateTimeOffset.UtcNow;
        var outcome = await cluster.Client.GetGrain<ICardHolderGrain>(key).Pay(new Pay(Ids.New("pay"), "trm_test", "mch_test", card, amount, now,
            DateOnly.FromDateTime(now.UtcDateTime), true, true, 0, IdempotencyTicket.For("terminal/trm_test", Guid.NewGuid().ToString(), "pay", amount), now));
        Assert.Null(outcome.Refusal);
        return JsonSerializer.SerializeToElement(outcome.Value, SceneFinance.Platform.SceneJson.Options);
    }

    [Fact]
    public async Task Both_activations_pay_at_once_and_only_one_is_approved()
    {
        var (_, key, card) = await Wallet(1000);
        Assert.Equal(1000, (await _b.Client.GetGrain<ICardHolderGrain>(key).Get())!.Balance.Cash); // B is active, with the same state

        var results = await Task.WhenAll(Pay(_a, key, card, 700), Pay(_b, key, card, 700));
        var statuses = results.Select(r => r.GetProperty("status").GetString()).Order().ToArray();
        Assert.Equal(new[] { "approved", "declined" }, statuses);
        Assert.Equal("insufficient_funds", results.Single(r => r.GetProperty("status").GetString() == "declined").GetProperty("declineCode").GetString());

        Assert.Equal(300, (await _a.Client.GetGrain<ICardHolderGrain>(key).Get())!.Balance.Cash);
        Assert.Equal(300, (await _b.Client.GetGrain<ICardHolderGrain>(key).Get())!.Balance.Cash);
    }

    [Fact]
    public async Task A_stale_activation_reloads_before_it_decides()
    {
        var (_, key, card) = await Wallet(1000);
        await _b.Client.GetGrain<ICardHolderGrain>(key).Get(); // B caches 1000
        Assert.Equal(600, (await Pay(_a, key, card, 400)).GetProperty("balanceAfter").GetInt64());

        // B still believes 1000; its append fails on the version, it reloads 600 and decides on that.
        Assert.Equal(100, (await Pay(_b, key, card, 500)).GetProperty("balanceAfter").GetInt64());
        Assert.Equal("insufficient_funds", (await Pay(_a, key, card, 101)).GetProperty("declineCode").GetString());

        var transactions = (await _a.Client.GetGrain<ICardHolderGrain>(key).Transactions(10)).Value!;
        Assert.Equal([101L, 500L, 400L, 1000L], transactions.Select(t => t.Amount));
    }
}
