using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Grains.Cards;
using SceneFinance.Platform.Audit;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>A re-imported roster's changes flow through to the card holder and open bills (issue 14 item 4).</summary>
[Collection(SharedCampusApp.Name)]
public sealed class RosterChangeSpecs(CampusApp app)
{
    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    [Fact]
    public async Task A_rename_reaches_the_holder_and_the_open_bill_but_not_the_paid_one_once_and_audited()
    {
        var s = await Scenario.Start(app, "campus");
        var phone = Phone();
        await s.ImportCsv(Roster.Csv(Roster.Row("0501", "王小明", "二年级", "1班", "王母", phone)));
        var paidPlan = await s.Plan("二年级", [5_000]);
        await s.Generate(paidPlan);
        var paidBill = Assert.Single(await s.Bills($"&planId={paidPlan}"))!.Str("id");
        (await s.PayAtCounter(paidBill, 5_000)).Expect(HttpStatusCode.OK);
        var openPlan = await s.Plan("二年级", [80_000]);
        await s.Generate(openPlan);
        var openBill = Assert.Single(await s.Bills($"&planId={openPlan}"))!.Str("id");

        var renamed = Roster.Csv(Roster.Row("0501", "王晓明", "二年级", "3班", "王母", phone));
        var import = await s.ImportCsv(renamed);
        Assert.Equal((1L, 1L, 1L), (import.Long("updated"), import.Long("holdersRenamed"), import.Long("billsRenamed")));

        var holderId = (await s.Api.Get($"{s.Base}/campus/students/0501", s.AdminToken)).Expect(HttpStatusCode.OK).Body.Str("cardHolderId");
        Assert.Equal("王晓明", (await s.Api.Get($"{s.Base}/cardholders/{holderId}", s.AdminToken)).Expect(HttpStatusCode.OK).Body.Str("name"));
        var open = await s.Bill(openBill);
        Assert.Equal(("王晓明", "3班"), (open.Str("studentName"), open.Str("class")));
        Assert.Equal(openBill, Assert.Single(await s.Bills("&class=3班"))!.Str("id")); // filtered by the new class
        var paid = await s.Bill(paidBill);
        Assert.Equal(("王小明", "1班", "paid"), (paid.Str("studentName"), paid.Str("class"), paid.Str("status"))); // history kept

        var store = app.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.QuerySession(s.TenantId))
        {
            var listing = await session.LoadAsync<CardHolderListing>(holderId);
            Assert.Equal(("王晓明", "3班"), (listing!.Name, listing.Class));
        }

        // The same file again: applied once.
        var again = await s.ImportCsv(renamed);
        Assert.Equal((0L, 1L, 0L, 0L), (again.Long("updated"), again.Long("unchanged"), again.Long("holdersRenamed"), again.Long("billsRenamed")));
        await using (var session = store.QuerySession(s.TenantId))
        {
            Assert.Single(await session.Events.QueryRawEventDataOnly<SceneFinance.Grains.CardHolders.CardHolderRenamed>().Where(e => e.CardHolderId == holderId).ToListAsync());
            Assert.Single(await session.Events.QueryRawEventDataOnly<BillStudentRenamed>().Where(e => e.BillId == openBill).ToListAsync());
        }

        // Audited as the person who imported, like other staff actions.
        await using (var audit = store.QuerySession())
        {
            var lines = await audit.Query<AuditEntry>().Where(a => a.TenantId == s.TenantId && (a.Target == holderId || a.Target == openBill)).ToListAsync();
            Assert.Contains(lines, a => a.Action == nameof(SceneFinance.Grains.CardHolders.CardHolderRenamed) && a.ActorId == "admin");
            Assert.Contains(lines, a => a.Action == nameof(BillStudentRenamed) && a.ActorId == "admin");
        }
    }
}
