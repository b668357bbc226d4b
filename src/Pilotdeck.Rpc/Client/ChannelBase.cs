namespace Pilotdeck.Rpc;

/// <summary>A connection to a server that generated clients are built on.</summary>
public abstract class ChannelBase
{
    protected ChannelBase(string target)
    {
        Target = target;
    }

    /// <summary>The address calls go to.</summary>
    public string Target { get; }

    public abstract CallInvoker CreateCallInvoker();
}
