namespace IronLb.Ipam.Allocation;

/// <summary>A Service's identity: namespace and name, ordered the way plans and intents are sorted.</summary>
public readonly record struct ServiceKey(string Namespace, string Name) : IComparable<ServiceKey>
{
    public int CompareTo(ServiceKey other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    public static bool operator <(ServiceKey left, ServiceKey right) => left.CompareTo(right) < 0;

    public static bool operator >(ServiceKey left, ServiceKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(ServiceKey left, ServiceKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ServiceKey left, ServiceKey right) => left.CompareTo(right) >= 0;

    public override string ToString() => Namespace + "/" + Name;
}
