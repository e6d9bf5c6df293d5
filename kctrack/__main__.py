from kctrack.entry import main

main()
