using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Audit;
using SceneFinance.Tests.Canteen;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Scheduled jobs act as the system: what a job on the one scheduler changes is audited in the same commit with
/// <c>system:{job}</c> as the actor (before, a job's decisions were not audited at all: nobody was acting).
/// </summary>
[Collection(SharedApp.Name)]
public sealed class JobActorSpecs(SceneApp app)
{
    [Fact]
    public async Task A_subsidy_grant_run_by_the_scheduler_is_audited_as_the_system()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var program = await s.Program(new { name = "午餐补贴 Lunch subsidy", amountPerPerson = 1_000, funder = "HR 人力资源部", mealPeriods = new[] { "lunch" } });
        Assert.Equal("completed", (await s.Run(program, "grants"))["status"]!.GetValue<string>()); // queued by the admin, run by the job
        Assert.Equal(1_000, await s.Balance(holder));

        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var entries = await session.Query<AuditEntry>().Where(e => e.TenantId == s.TenantId && e.Target == holder).ToListAsync();
        var granted = Assert.Single(entries, e => e.ActorRole == "system");
        Assert.Equal("system:subsidy-run", granted.ActorId);
        Assert.Null(granted.ActorTenantId);
    }
}
