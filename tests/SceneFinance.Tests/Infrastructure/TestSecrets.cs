using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using SceneFinance.Platform.Security;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>
/// Card digests are keyed once per process (<see cref="Digests"/>), and this process runs many in-process hosts, each on a
/// database and data folder of its own: they all get this one key through <c>SceneFinance:Secrets:DigestKey</c>, as one
/// deployment's hosts would. Hosts started as processes (<see cref="HostProcess"/>, <see cref="ClusterProcess"/>) do not
/// inherit it: they make and keep their own, as the product does.
/// </summary>
public static class TestSecrets
{
    public const string DigestKeyVariable = "SceneFinance__Secrets__DigestKey";
    public static readonly byte[] DigestKeyBytes = SHA256.HashData(Encoding.UTF8.GetBytes("SceneFinance tests: the digest key"));
    public static readonly string DigestKey = Convert.ToBase64String(DigestKeyBytes);

    [ModuleInitializer]
    internal static void UseTheTestKey()
    {
        Environment.SetEnvironmentVariable(DigestKeyVariable, DigestKey);
        Digests.Use(DigestKeyBytes); // also for the grain tests that start a silo without the platform
    }
}
