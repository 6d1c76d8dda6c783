/// Frame-by-frame pitch made into a track: YIN errs on single frames (a halved or doubled
/// period at a voicing onset, a spurious dip in a fricative), and those land on the minimum and
/// maximum a summary reports. So a voiced run shorter than `shortestRun` frames (30 ms) counts as
/// unvoiced, and each frame of a run takes the median of the five frames around it within the
/// run — the median filter pitch trackers have used since Rabiner et al. (1975).
enum PitchTrack {
    static let shortestRun = 3
    static let medianSpan = 2

    static func smoothed(_ pitches: [Double?]) -> [Double?] {
        var track = [Double?](repeating: nil, count: pitches.count)
        var start = 0
        while start < pitches.count {
            guard pitches[start] != nil else { start += 1; continue }
            var end = start
            while end < pitches.count, pitches[end] != nil { end += 1 }
            if end - start >= shortestRun {
                for frame in start..<end {
                    let window = (max(start, frame - medianSpan)..<min(end, frame + medianSpan + 1)).compactMap { pitches[$0] }.sorted()
                    track[frame] = window[window.count / 2]
                }
            }
            start = end
        }
        return track
    }
}
