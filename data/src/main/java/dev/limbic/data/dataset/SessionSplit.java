package dev.limbic.data.dataset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Assigns IEMOCAP sessions to train / dev / test, so folds are speaker-independent (each session has its own
 * two actors). A session in no set is unused.
 */
public record SessionSplit(String name, Set<Integer> train, Set<Integer> dev, Set<Integer> test) {

  /** SenticCrystal (MODELS.md §3.1): train sessions 2, 3, 4; dev session 1; test session 5. */
  public static final SessionSplit SENTIC_CRYSTAL = new SessionSplit("sentic-crystal", Set.of(2, 3, 4), Set.of(1),
      Set.of(5));
  /** ERC standard (DialogueRNN/COSMIC): sessions 1–4 train (dev is cut from them by the trainer), 5 test. */
  public static final SessionSplit SESSION5_TEST = new SessionSplit("session5-test", Set.of(1, 2, 3, 4), Set.of(),
      Set.of(5));
  public static final int SESSIONS = 5;

  public SessionSplit {
    train = Set.copyOf(train);
    dev = Set.copyOf(dev);
    test = Set.copyOf(test);
    Set<Integer> all = new TreeSet<>(train);
    for (Set<Integer> s : List.of(dev, test)) {
      for (int x : s) {
        if (!all.add(x)) {
          throw new IllegalArgumentException("session " + x + " is in two sets of split " + name);
        }
      }
    }
  }

  /** Fold {@code testSession} of 5-fold leave-one-session-out: test that session, train on the other four. */
  public static SessionSplit leaveOneSessionOut(int testSession) {
    if (testSession < 1 || testSession > SESSIONS) {
      throw new IllegalArgumentException("session " + testSession + " outside 1.." + SESSIONS);
    }
    Set<Integer> train = new TreeSet<>();
    for (int s = 1; s <= SESSIONS; s++) {
      if (s != testSession) {
        train.add(s);
      }
    }
    return new SessionSplit("loso-" + testSession, train, Set.of(), Set.of(testSession));
  }

  /** The five leave-one-session-out folds, test session 1 first. */
  public static List<SessionSplit> leaveOneSessionOutFolds() {
    List<SessionSplit> folds = new ArrayList<>();
    for (int s = 1; s <= SESSIONS; s++) {
      folds.add(leaveOneSessionOut(s));
    }
    return List.copyOf(folds);
  }

  public Optional<Split> splitOf(int session) {
    if (train.contains(session)) {
      return Optional.of(Split.TRAIN);
    }
    if (dev.contains(session)) {
      return Optional.of(Split.DEV);
    }
    return test.contains(session) ? Optional.of(Split.TEST) : Optional.empty();
  }

  /** The utterances of one split, order kept. */
  public List<IemocapUtterance> select(Collection<IemocapUtterance> rows, Split split) {
    List<IemocapUtterance> out = new ArrayList<>();
    for (IemocapUtterance u : rows) {
      if (splitOf(u.session()).orElse(null) == split) {
        out.add(u);
      }
    }
    return out;
  }
}
