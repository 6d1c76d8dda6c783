#!/usr/bin/env python3
"""The reference pitch tracker of the audio_features tests: Praat (PyPI praat-parselmouth).

Usage: praat-pitch.py FLOOR_HZ CEILING_HZ FILE.wav...
Prints one JSON object: {"FILE.wav": median Hz of Praat's voiced frames (null when none), ...},
from Sound.to_pitch (Praat's autocorrelation method, "To Pitch..." with its default time step)
over the same pitch range ToolHost searches.
"""
import json
import sys

import numpy
import parselmouth


def main():
    floor, ceiling = float(sys.argv[1]), float(sys.argv[2])
    medians = {}
    for path in sys.argv[3:]:
        pitch = parselmouth.Sound(path).to_pitch(pitch_floor=floor, pitch_ceiling=ceiling)
        frequencies = pitch.selected_array["frequency"]
        voiced = frequencies[frequencies > 0]
        medians[path] = float(numpy.median(voiced)) if len(voiced) else None
    print(json.dumps(medians))


if __name__ == "__main__":
    main()
