// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <string>

/// The one way the tools write to stderr (report lines, the progress bar), so that no tool
/// hangs on a stderr that is not being read (a full pipe, a stopped terminal):
/// - a one-shot tool's text waits for room as long as the reader takes, until an interrupt
///   signal (<shmtools/interrupt.h>) arrives; from then on at most half a second more;
/// - a holder, once it has called reportsNeverWait(), never waits: what stderr does not take
///   at once is kept in a bounded backlog, written with the next report, and what does not fit
///   is dropped and counted; one line says how many once stderr takes lines again.
/// The writes go through a descriptor of its own for stderr (a reopened FIFO or terminal), so
/// that making them non-blocking changes nothing for anyone sharing stderr.
///
/// Writes `text` (a whole line with its newline, or a progress bar's redraw). Never fails:
/// there is nobody to tell if stderr cannot be written.
void writeReport(const std::string &text);

/// From now on (the holder's serving phase, and all of shm-create -d) reports never wait for
/// stderr, in this process and in children it forks. `tool` prefixes the line that counts
/// dropped reports.
void reportsNeverWait(const std::string &tool);

/// After stderr was replaced (dup2 of /dev/null in a detached child): closes the channel's own
/// descriptor for the old stderr, so that the child keeps no pipe of its launcher open, and
/// writes to the new one from now on.
void reportsFollowStderr();

/// Writes what is still in the backlog, waiting at most half a second: the last step before a
/// tool exits, so that a holder's final lines go out if they can and never delay its exit.
void drainReports();
