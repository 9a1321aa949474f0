using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Platform;

/// <summary>
/// Two writers starting the same stream at the same moment (two activations of one grain, each seeing no stream yet): one
/// commits, the other hears of a version conflict (it rebuilds and decides again), never an exception. Found by the patient
/// account's race test: the second insert of a new stream's row failed with Marten's unique-key exception, which Orleans
/// could not even carry back to the caller.
/// </summary>
public sealed class GroupCommitNewStreamTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    sealed record Started(string Id, DateTimeOffset At);

    [Fact]
    public async Task A_stream_started_twice_at_once_is_committed_once_and_the_other_hears_a_version_conflict()
    {
        var commits = silos.ServiceOfA<GroupCommit>();
        var tenant = Ids.New("tn");
        for (var i = 0; i < 30; i++)
        {
            var stream = "race-" + Guid.NewGuid().ToString("N");
            CommitUnit Unit() => new(tenant, stream, 1, [new Started(stream, DateTimeOffset.UtcNow)], []);
            var results = await Task.WhenAll(commits.Commit(Unit()), commits.Commit(Unit()));
            Assert.Equal([CommitStatus.Committed, CommitStatus.VersionConflict], results.Select(r => r.Status).Order());
        }
    }
}
