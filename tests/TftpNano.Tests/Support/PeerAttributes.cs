namespace TftpNano.Tests.Support;

/// <summary>A fact that needs real peers: skipped where they are missing, failing in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PeerFactAttribute : FactAttribute
{
    public PeerFactAttribute(params string[] peers)
    {
        Skip = Peers.SkipReason(peers);
    }
}

/// <summary>A theory that needs real peers: skipped where they are missing, failing in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PeerTheoryAttribute : TheoryAttribute
{
    public PeerTheoryAttribute(params string[] peers)
    {
        Skip = Peers.SkipReason(peers);
    }
}
