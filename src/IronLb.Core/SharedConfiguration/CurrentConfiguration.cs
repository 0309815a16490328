namespace IronLb.Core.SharedConfiguration;

/// <summary>The newest configuration this process has applied. Older or equal versions are ignored.</summary>
public sealed class CurrentConfiguration
{
    private readonly Lock _gate = new();
    private ConfigurationDocument? _document;

    /// <summary>Raised after a newer document was applied.</summary>
    public event Action<ConfigurationDocument>? Changed;

    /// <summary>The applied document, or null before the first one.</summary>
    public ConfigurationDocument? Document => _document;

    /// <summary>Applies <paramref name="document"/> when it is newer than the applied one; true if it was.</summary>
    public bool TryApply(ConfigurationDocument document)
    {
        lock (_gate)
        {
            if (_document is not null && document.Version <= _document.Version)
            {
                return false;
            }

            _document = document;
        }

        Changed?.Invoke(document);
        return true;
    }
}
