using System.Collections.Concurrent;
using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Operations;

/// <summary>
/// SIGTERM during the lunch rush: the host stops taking requests, but every request it took is answered properly (committed
/// first, group commit drained), never with a server error; after a restart every approval heard is there, once.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_answers_every_request_in_flight_and_keeps_every_approval()
    {
        var db = TestPostgres.NewDatabase("sigterm");
        var dataPath = Directory.CreateTempSubdirectory("scenefinance-sigterm-").FullName;
        const long startingCash = 10_000_000;
        var approved = new ConcurrentDictionary<string, (long Amount, string Raw)>();
        var serverErrors = new ConcurrentBag<string>();
        var unheard = new ConcurrentDictionary<string, (string Card, long Amount)>(); // sent as the host stopped listening
        List<(string Id, string Card)> holders = [];
        Terminal terminal;
        Scenario s;

        await using (var host = await HostProcess.Start(db, dataPath))
        {
            s = await Scenario.Start(new Infrastructure.Api(new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }));
            for (var i = 0; i < 4; i++) holders.Add(await s.CardHolder(cash: startingCash));
            terminal = await s.Terminal();
            var tills = Enumerable.Range(0, 12).Select(till => Task.Run(async () =>
            {
                for (var n = 0; ; n++)
                {
                    var key = $"till{till}-{n}";
                    var amount = 1 + (till * 7 + n) % 50;
                    var card = holders[(till + n) % holders.Count].Card;
                    try
                    {
                        var answer = await s.Api.Pay(terminal, card, amount, key);
                        if ((int)answer.Status >= 500) serverErrors.Add($"{(int)answer.Status} {answer.Raw}");
                        else if (answer["status"].GetValue<string>() == "approved") approved[key] = (amount, answer.Raw);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        unheard[key] = (card, amount); // not listening any more: the till will ask again
                        return;
                    }
                }
            })).ToArray();

            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (approved.Count < 200 && DateTime.UtcNow < deadline && !tills.All(t => t.IsCompleted)) await Task.Delay(20);
            Assert.True(approved.Count >= 200, $"Only {approved.Count} payments were approved before the SIGTERM.");
            await host.Stop(); // SIGTERM, and the process exits by itself
            await Task.WhenAll(tills);
        }
        Assert.Empty(serverErrors);

        await using var again = await HostProcess.Start(db, dataPath);
        s = await s.On(new Infrastructure.Api(new HttpClient { BaseAddress = again.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }));
        foreach (var (key, (card, amount)) in unheard) // the tills' retries, after the restart: each settles once
        {
            var answer = (await s.Api.Pay(terminal, card, amount, key)).Expect(HttpStatusCode.OK);
            if (answer["status"].GetValue<string>() == "approved") approved[key] = (amount, answer.Raw);
        }
        long spent = 0;
        foreach (var (id, _) in holders) spent += startingCash - await s.Balance(id);
        Assert.Equal(approved.Values.Sum(a => a.Amount), spent); // every approval is committed once, and nothing else is
        foreach (var (key, heard) in approved.Take(50))
        {
            var till = int.Parse(key[4..key.IndexOf('-')]);
            var n = int.Parse(key[(key.IndexOf('-') + 1)..]);
            Assert.Equal(heard.Raw, (await s.Api.Pay(terminal, holders[(till + n) % holders.Count].Card, heard.Amount, key)).Raw);
        }
        await s.TrialBalance();
    }
}
