using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// What the code of one type does with one candidate cache field (PT0001). Filled while the rule walks the type's
    /// operations; the verdict is read once after the walk.
    /// </summary>
    internal sealed class CacheFieldUsage
    {
        private readonly List<CacheGrowthSite> _growth = new List<CacheGrowthSite>();
        private bool _bounded;
        private bool _escapes;

        internal CacheFieldUsage(IFieldSymbol field) => Field = field;

        internal IFieldSymbol Field { get; }

        /// <summary>An insert whose key comes from data (not a constant, not an initializer or constructor).</summary>
        internal void AddGrowth(Location location, ISymbol member) => _growth.Add(new CacheGrowthSite(location, member));

        /// <summary>An eviction path, a reset or a size check: the cache has a bound we trust.</summary>
        internal void MarkBounded() => _bounded = true;

        /// <summary>The collection flows somewhere we cannot follow (argument, return, alias, injected instance).</summary>
        internal void MarkEscapes() => _escapes = true;

        /// <summary>Bounded or escaping: nothing more the walk could find would get the field reported.</summary>
        internal bool IsSettled => _bounded || _escapes;

        /// <summary>The growth sites in source order when the field grows and nothing bounds it; otherwise empty.</summary>
        internal ImmutableArray<CacheGrowthSite> UnboundedGrowth()
        {
            if (_bounded || _escapes || _growth.Count == 0)
            {
                return ImmutableArray<CacheGrowthSite>.Empty;
            }

            var sites = _growth.ToArray();
            System.Array.Sort(sites, CompareBySource);
            return ImmutableArray.Create(sites);
        }

        private static int CompareBySource(CacheGrowthSite a, CacheGrowthSite b)
        {
            var byFile = string.CompareOrdinal(a.Location.SourceTree?.FilePath, b.Location.SourceTree?.FilePath);
            return byFile != 0 ? byFile : a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start);
        }
    }

    /// <summary>Where a cache grows: the insert and the member that performs it.</summary>
    internal readonly struct CacheGrowthSite
    {
        internal CacheGrowthSite(Location location, ISymbol member)
        {
            Location = location;
            Member = member;
        }

        internal Location Location { get; }

        internal ISymbol Member { get; }
    }
}
