from kctrack.cli import main

main()
